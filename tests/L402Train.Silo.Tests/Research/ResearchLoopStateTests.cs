using System.Text.Json.Nodes;
using L402Train.PeerAgent.Research;
using L402Train.Testing;

namespace L402Train.Silo.Tests.Research;

/// <summary>
/// The loop's state machine against an in-memory market: rounds, worker choice, failover, and resuming
/// after the process dies at each step without paying twice.
/// </summary>
public sealed class ResearchLoopStateTests : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("l402-research-state-");
    private readonly FakeTimeProvider time = new();
    private readonly List<string> lines = [];

    private string StatePath => Path.Combine(work.FullName, "state.json");

    private string ResultsPath => Path.Combine(work.FullName, "results.jsonl");

    private ResearchLoop Loop(IWorkerMarket market, ResearchExperiment? experiment = null) =>
        new(market, new ClimbThinker(), experiment ?? new ResearchExperiment(new JsonObject()), new ResearchStateFile(StatePath), new ResearchResults(ResultsPath), time,
            new Progress(lines));

    public void Dispose() => work.Delete(recursive: true);

    [Fact]
    public async Task Three_rounds_pay_the_cheapest_worker_once_each_and_publish_lines_that_verify_with_a_best_that_never_worsens()
    {
        var cheap = new FakeWorker("cheap", 5);
        var dear = new FakeWorker("dear", 9);
        var market = new FakeWorkerMarket(dear, cheap);

        var reports = await Loop(market).RunAsync(new ResearchLoopOptions(3), TestContext.Current.CancellationToken);

        Assert.Equal(3, reports.Count);
        Assert.Equal(3, market.Payments);
        Assert.Equal((3, 0), (cheap.Runs, dear.Runs));
        var results = ResearchResults.Read(ResultsPath);
        Assert.Equal([1, 2, 3], results.Select(r => r.Round));
        Assert.All(results, r => Assert.Empty(ResearchResultCheck.Problems(r)));
        Assert.All(results, r => Assert.Equal((cheap.AgentId, cheap.Endpoint.AbsoluteUri, 5L, "completed"), (r.WorkerAgentId, r.WorkerEndpoint, r.PriceSats, r.Status)));
        Assert.Equal(["baseline", "learning_rate x1.5", "learning_rate x1.5"], results.Select(r => r.Move));
        var best = results.Select(r => r.ValBpb!.Value).Aggregate(new List<double>(), (acc, v) => { acc.Add(acc.Count == 0 ? v : Math.Min(acc[^1], v)); return acc; });
        Assert.True(best[^1] < best[0], "the climb improved on the baseline");
        var state = new ResearchStateFile(StatePath).Load()!;
        Assert.Equal((3, best[^1], null), (state.Completed, state.BestValBpb, state.Pending));
        // The baseline's resolved defaults became the config the climb moves.
        Assert.Equal(0.00675, FakeWorkerMarket.Num(state.BestConfig!["learning_rate"]));
    }

    [Fact]
    public async Task The_preferred_worker_runs_even_when_it_is_dearer()
    {
        var cheap = new FakeWorker("cheap", 5);
        var dear = new FakeWorker("dear", 9);
        var market = new FakeWorkerMarket(cheap, dear);

        await Loop(market).RunAsync(new ResearchLoopOptions(2, Prefer: new Uri(dear.Endpoint.AbsoluteUri + "/")), TestContext.Current.CancellationToken);

        Assert.Equal((0, 2), (cheap.Runs, dear.Runs));
    }

    [Fact]
    public async Task A_worker_that_dies_mid_run_is_left_for_the_next_one_its_refunded_deposit_is_dropped_and_nothing_is_paid_twice()
    {
        var dying = new FakeWorker("dying", 5) { DiesMidRun = true };
        var healthy = new FakeWorker("healthy", 7);
        var market = new FakeWorkerMarket(dying, healthy);

        var reports = await Loop(market).RunAsync(new ResearchLoopOptions(2), TestContext.Current.CancellationToken);

        // Round 1 paid the dying worker (refunded by its recovery) and then the healthy one; round 2 asks the cheap dying one first again.
        Assert.Equal(2, reports.Count);
        Assert.Contains("connection refused", Assert.Single(reports[0].Failures), StringComparison.Ordinal);
        var settled = market.Deposits.Where(d => d.State == DepositState.Settled).ToList();
        Assert.Equal(2, settled.Count);
        Assert.All(settled, d => Assert.Same(healthy, d.Worker));
        Assert.All(market.Deposits.Where(d => d.Worker == dying), d => Assert.Equal(DepositState.Refunded, d.State));
        var results = ResearchResults.Read(ResultsPath);
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(healthy.AgentId, r.WorkerAgentId));
        Assert.Equal(results.Count, results.Select(r => r.PaymentHash).Distinct().Count());
        Assert.Empty(new ResearchStateFile(StatePath).Load()!.Orphans);
    }

    [Fact]
    public async Task A_failed_worker_that_settles_after_all_has_its_paid_result_published_too()
    {
        var flaky = new FakeWorker("flaky", 5) { DeliversAfterLosingTheConnection = true };
        var other = new FakeWorker("other", 7);
        var market = new FakeWorkerMarket(flaky, other);

        await Loop(market).RunAsync(new ResearchLoopOptions(1), TestContext.Current.CancellationToken);

        var results = ResearchResults.Read(ResultsPath);
        Assert.Equal([(other.AgentId, "baseline"), (flaky.AgentId, "baseline (late)")], results.Select(r => (r.WorkerAgentId, r.Move)));
        Assert.All(results, r => Assert.Empty(ResearchResultCheck.Problems(r)));
        Assert.Equal(2, market.Deposits.Count(d => d.State == DepositState.Settled));
        Assert.Empty(new ResearchStateFile(StatePath).Load()!.Orphans);
    }

    [Fact]
    public async Task A_loop_killed_after_paying_and_before_the_answer_resumes_by_recovering_the_experiment_and_never_pays_again()
    {
        var worker = new FakeWorker("w", 5);
        var market = new FakeWorkerMarket(worker) { KillAfterLock = new OperationCanceledException("killed") };

        await Assert.ThrowsAsync<OperationCanceledException>(() => Loop(market).RunAsync(new ResearchLoopOptions(1), TestContext.Current.CancellationToken));
        var saved = new ResearchStateFile(StatePath).Load()!;
        Assert.Equal((ResearchPhase.Locked, 1), (saved.Pending!.Phase, market.Payments));

        var reports = await Loop(market).RunAsync(new ResearchLoopOptions(1), TestContext.Current.CancellationToken);

        Assert.Equal((1, 1, 1), (market.Payments, market.Submits, market.Recoveries));
        Assert.Equal(saved.Pending.Deposit!.PaymentHash, Assert.Single(reports).Result.PaymentHash);
        Assert.Single(ResearchResults.Read(ResultsPath));
    }

    [Fact]
    public async Task A_loop_killed_while_waiting_for_the_run_resumes_by_polling_the_paid_experiment()
    {
        var worker = new FakeWorker("w", 5);
        var market = new FakeWorkerMarket(worker) { KillWhileWaiting = new OperationCanceledException("killed") };

        await Assert.ThrowsAsync<OperationCanceledException>(() => Loop(market).RunAsync(new ResearchLoopOptions(1), TestContext.Current.CancellationToken));
        Assert.Equal(ResearchPhase.Submitted, new ResearchStateFile(StatePath).Load()!.Pending!.Phase);

        await Loop(market).RunAsync(new ResearchLoopOptions(2), TestContext.Current.CancellationToken);

        Assert.Equal((2, 2, 0), (market.Payments, market.Submits, market.Recoveries));
        Assert.Equal([1, 2], ResearchResults.Read(ResultsPath).Select(r => r.Round));
    }

    [Fact]
    public async Task A_result_already_written_when_the_loop_died_is_not_written_twice()
    {
        var worker = new FakeWorker("w", 5);
        var market = new FakeWorkerMarket(worker);
        await Loop(market).RunAsync(new ResearchLoopOptions(1), TestContext.Current.CancellationToken);
        var line = Assert.Single(ResearchResults.Read(ResultsPath));
        // Put the state back to "delivered, not yet published", as if the process died between the append and the state save.
        var stateFile = new ResearchStateFile(StatePath);
        var deposit = market.Deposits.Single();
        var view = await market.WaitAsync(worker.Endpoint, deposit.ExperimentId, TestContext.Current.CancellationToken);
        var state = stateFile.Load()!;
        await stateFile.SaveAsync(state with
        {
            Completed = 0, BestConfig = null, BestValBpb = null, Tried = [],
            Pending = new PendingExperiment
            {
                Round = 1, Config = new JsonObject(), Move = "baseline", Phase = ResearchPhase.Delivered, PriceSats = 5,
                Worker = new WorkerCandidate(worker.AgentId, worker.Name, worker.Endpoint, 5, null),
                Deposit = new LockedDeposit(line.PaymentHash, line.Invoice, 5), ExperimentId = line.ExperimentId, Result = view,
            },
        }, TestContext.Current.CancellationToken);

        await Loop(market).RunAsync(new ResearchLoopOptions(1), TestContext.Current.CancellationToken);

        Assert.Equal(line.PaymentHash, Assert.Single(ResearchResults.Read(ResultsPath)).PaymentHash);
        Assert.Equal(1, stateFile.Load()!.Completed);
    }

    [Fact]
    public async Task A_config_every_worker_refuses_costs_nothing_and_the_climb_moves_on()
    {
        var worker = new FakeWorker("w", 5) { Refuses = c => FakeWorkerMarket.Num(c["learning_rate"]) > 0.004 };
        var market = new FakeWorkerMarket(worker);

        var reports = await Loop(market).RunAsync(new ResearchLoopOptions(2), TestContext.Current.CancellationToken);

        Assert.Equal(2, market.Payments);
        Assert.Equal(["baseline", "learning_rate /1.5"], reports.Select(r => r.Result.Move));
        Assert.Contains(lines, l => l.Contains("every worker refused learning_rate x1.5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_state_file_of_another_experiment_is_not_resumed()
    {
        var market = new FakeWorkerMarket(new FakeWorker("w", 5));
        await Loop(market).RunAsync(new ResearchLoopOptions(1), TestContext.Current.CancellationToken);

        var archive = new ResearchExperiment(new JsonObject(), [1, 2, 3], "python3 train.py");
        var e = await Assert.ThrowsAsync<ResearchException>(() => Loop(market, archive).RunAsync(new ResearchLoopOptions(2), TestContext.Current.CancellationToken));

        Assert.Contains("belongs to another experiment", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, market.Payments);
    }

    private sealed class Progress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
