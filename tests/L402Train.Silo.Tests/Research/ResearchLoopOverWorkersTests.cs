using L402Train.Lightning;
using L402Train.PeerAgent.Research;

namespace L402Train.Silo.Tests.Research;

/// <summary>
/// The research loop against real worker silos and the coordinator's index on simnet: discovery with
/// signed registrations, probes, hold payments through the budgeted L402 handler, failover when a
/// worker dies, resuming without paying again, and results that verify.
/// </summary>
public sealed class ResearchLoopOverWorkersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_rounds_over_an_index_of_two_workers_pay_the_cheaper_one_and_every_line_verifies_and_ranks()
    {
        await using var net = await WorkerNetwork.StartAsync("research-3");
        using var market = net.Market();

        var reports = await net.Loop(market).RunAsync(new ResearchLoopOptions(3), Ct);

        Assert.Equal(3, reports.Count);
        var results = ResearchResults.Read(net.ResultsPath);
        Assert.Equal([1, 2, 3], results.Select(r => r.Round));
        Assert.All(results, r => Assert.Empty(ResearchResultCheck.Problems(r)));
        Assert.All(results, r => Assert.Equal((net.NodeB, net.EndpointB.AbsoluteUri, WorkerNetwork.PriceB, "completed"), (r.WorkerAgentId, r.WorkerEndpoint, r.PriceSats, r.Status)));
        Assert.All(results, r => Assert.Equal(r.WorkerAgentId, r.WorkerNode));
        // The best never worsens: each round's best is the minimum so far, and the state holds the last.
        var best = results.Select(r => r.ValBpb!.Value).Min();
        Assert.Equal(best, new ResearchStateFile(net.StatePath).Load()!.BestValBpb);
        Assert.Equal(3 * WorkerNetwork.PriceB, (await net.WalletAsync()).Spent);
        Assert.Equal(0, (await net.WalletAsync()).Locked);

        // The leaderboard: the worker's re-signed registration now claims the best it delivered, which is the best measured here.
        await net.RegisterAsync();
        var listing = await market.Index.ListAsync(20, Ct);
        var ranked = ResearchLeaderboard.Rank(listing.Workers, results, 10);
        Assert.Equal([net.NodeB, net.NodeA], ranked.Select(e => e.AgentId));
        Assert.Equal((best, best, 3), (ranked[0].LocalBestValBpb, ranked[0].AdvertisedBestValBpb, ranked[0].LocalExperiments));
        Assert.Null(ranked[1].Best);
    }

    [Fact]
    public async Task A_worker_killed_after_it_was_paid_is_left_for_the_other_and_its_deposit_is_never_settled()
    {
        await using var net = await WorkerNetwork.StartAsync("research-kill");
        using var market = net.Market();
        var killed = false;
        var progress = new Lines(line =>
        {
            // The cheaper worker B is paid first: it dies the moment its hold invoice is locked, before it answers.
            if (!killed && line.Contains("RUN paid", StringComparison.Ordinal))
            {
                killed = true;
                net.WorkerB.App.StopAsync(Ct).GetAwaiter().GetResult();
            }
        });

        var reports = await net.Loop(market, progress).RunAsync(new ResearchLoopOptions(2), Ct);

        Assert.True(killed);
        Assert.Contains(net.EndpointB.AbsoluteUri, Assert.Single(reports[0].Failures), StringComparison.Ordinal);
        var results = ResearchResults.Read(net.ResultsPath);
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(net.NodeA, r.WorkerAgentId));
        Assert.All(results, r => Assert.Empty(ResearchResultCheck.Problems(r)));
        // Paid twice for two results, never for the dead worker's: its HTLC stays locked (its node cancels it on expiry, or the worker on recovery), not settled.
        var state = new ResearchStateFile(net.StatePath).Load()!;
        var orphan = Assert.Single(state.Orphans);
        Assert.Equal(net.NodeB, orphan.Worker!.AgentId);
        Assert.NotEqual(PaymentStatus.Succeeded, (await net.Wallet.LookupPaymentAsync(PaymentHash.FromHex(orphan.Deposit!.PaymentHash), Ct))!.Status);
        Assert.Equal((2 * WorkerNetwork.PriceA, WorkerNetwork.PriceB), await net.WalletAsync());
    }

    [Fact]
    public async Task A_loop_stopped_after_the_worker_took_the_paid_experiment_resumes_by_polling_it_and_pays_nothing_more()
    {
        await using var net = await WorkerNetwork.StartAsync("research-resume");
        using var market = net.Market();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new Lines(line =>
        {
            if (line.Contains("RUN exp-", StringComparison.Ordinal) && (line.Contains(" queued ", StringComparison.Ordinal) || line.Contains(" running ", StringComparison.Ordinal))) stop.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => net.Loop(market, progress).RunAsync(new ResearchLoopOptions(1), stop.Token));
        var paused = new ResearchStateFile(net.StatePath).Load()!.Pending!;
        Assert.Equal(ResearchPhase.Submitted, paused.Phase);

        // A new process: a new market and wallet client, the same state file.
        using var again = net.Market();
        var reports = await net.Loop(again).RunAsync(new ResearchLoopOptions(1), Ct);

        var line = Assert.Single(ResearchResults.Read(net.ResultsPath));
        Assert.Equal((paused.Deposit!.PaymentHash, paused.ExperimentId), (line.PaymentHash, line.ExperimentId));
        Assert.Empty(ResearchResultCheck.Problems(line));
        Assert.Single(reports);
        Assert.Equal((WorkerNetwork.PriceB, 0L), await net.WalletAsync());
    }

    private sealed class Lines(Action<string> onLine) : IProgress<string>
    {
        public void Report(string value) => onLine(value);
    }
}
