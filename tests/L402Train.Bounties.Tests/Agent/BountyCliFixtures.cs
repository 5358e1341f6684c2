using L402Train.Bounties.Shipped;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Bounties;
using L402Train.Testing;
using Xunit;

namespace L402Train.Bounties.Tests.Agent;

/// <summary>Set-up shared by the CLI tests that run against an embedded silo.</summary>
internal static class BountyCliFixtures
{
    /// <summary>Posts the shipped bounty (seed 42), pays its funding from a new sponsor node and waits until it is active.</summary>
    public static async Task<string> FundedBountyAsync(EmbeddedSilo silo, CancellationToken ct, Func<CreateBountyRequest, CreateBountyRequest>? adjust = null)
    {
        var sponsor = silo.Network.CreateFundedNode("sponsor", new Sats(1_000_000));
        using var http = new HttpClient { BaseAddress = new Uri(silo.Url.TrimEnd('/') + "/") };
        var client = new BountyClient(http);
        var generated = ShippedBounty.Generate(42);
        var task = ShippedBounty.Task;
        var request = new CreateBountyRequest
        {
            Title = task.Title, Description = task.Description, Metric = task.Metric, Direction = "maximize", EvalCommand = task.EvalCommand, TargetFiles = task.TargetGlobs,
            BaselineTarball = Convert.ToBase64String(ShippedBounty.BaselineArchive(generated)), HeldOutTarball = Convert.ToBase64String(ShippedBounty.HeldOutArchive(generated)),
            TotalSats = 20_000, Deadline = TimeProvider.System.GetUtcNow().AddHours(1), RateSatsPerUnit = 100_000, MinImprovement = 0.01, MaxDiffBytes = task.MaxDiffBytes,
            ForbiddenPatterns = ["curl"], EvalTimeoutS = 30, EvalMemoryMb = 256, Repeats = 1,
        };
        var created = await client.CreateAsync(adjust is null ? request : adjust(request), ct);
        var paid = await sponsor.PayAsync(new PaymentRequest(created.FundingInvoice, MilliSats.Zero, TimeSpan.FromSeconds(30)), ct);
        Assert.Equal(PaymentStatus.Succeeded, paid.Status);
        // Activation is a job: the list is read again after each job the silo finishes until it shows.
        await silo.WaitUntilAsync(async c => (await client.ListAsync("active", c)).Any(b => b.Id == created.Id), TimeSpan.FromSeconds(60),
            $"{created.Id} to be active after its funding was paid", ct);
        return created.Id;
    }

    /// <summary>The node's spendable balance, asserting that no HTLC of it is still in flight.</summary>
    public static async Task<MilliSats> SettledBalanceAsync(SimnetNode node, CancellationToken ct)
    {
        var balance = await node.GetBalanceAsync(ct);
        Assert.Equal(MilliSats.Zero, balance.PendingOutgoing);
        return balance.Local;
    }
}
