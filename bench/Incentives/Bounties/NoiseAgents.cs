using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using L402Train.Grains.Bounties;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Bounties.Validation;
using L402Train.Grains.Payments;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Runtime;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace L402Train.Bench.Incentives.Bounties;

/// <summary>What the noise agents earned and lost.</summary>
/// <param name="Agents">Agents that each submitted once.</param>
/// <param name="PayoutSat">Rewards granted to them, in total (the figure whose goal is 0).</param>
/// <param name="NetSat">What their nodes gained, in total (deposits forfeited are losses).</param>
/// <param name="Verdicts">Verdict counts.</param>
/// <param name="WallSeconds">Wall time from the first submission to the last deposit resolved.</param>
internal sealed record NoiseAgentFigures(int Agents, long PayoutSat, long NetSat, IReadOnlyDictionary<BountyVerdictReason, int> Verdicts, double WallSeconds)
{
    public void Print(Action<string> print)
    {
        print($"noise_agents={Agents}");
        print($"noise_agent_payout_sats={PayoutSat}");
        print($"noise_agent_net_sats={NetSat}");
        foreach (var (reason, count) in Verdicts.OrderBy(v => v.Key)) print($"noise_agent_verdicts_{reason.ToString().ToLowerInvariant()}={count}");
        print(string.Create(CultureInfo.InvariantCulture, $"noise_agent_wall_s={WallSeconds:0.0}"));
    }
}

/// <summary>
/// Agents that submit non-improvements to the shipped bounty through the real bounty grains, the
/// bubblewrap sandbox and the money jobs (one silo, memory store, simnet): half edit only a
/// comment, half nudge one weight or the threshold by 0.001 to 0.02, the changes a noise-chasing
/// agent makes hoping the eval's noise pays. Each pays its own deposit from its own node.
/// </summary>
internal static class NoiseAgents
{
    private const long AgentFundingSat = 100_000;
    private static readonly string[] Knobs = ["threshold", "bias", "weight_link", "weight_money", "weight_urgent", "weight_caps", "weight_exclaim", "weight_greeting"];

    public static async Task<NoiseAgentFigures> RunAsync(int agents, int threads)
    {
        var root = Directory.CreateTempSubdirectory("l402train-noise-agents");
        // The sandbox reads the working copies from inside its own user namespace: 0755, as the silo's data directory.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root.FullName, (UnixFileMode)0b111_101_101);
        var preimages = new ConcurrentDictionary<string, Preimage>();
        using var network = new SimnetNetwork(new SimnetOptions());
        var rules = new BountyRules();
        var blobs = new FileSystemBlobStore(Path.Combine(root.FullName, "blobs"));
        var workspace = Path.Combine(root.FullName, "workspace");
        var services = new ServiceCollection()
            .AddSingleton<ILightningNode>(network.Coordinator)
            .AddSingleton<IDepositPreimages>(new Preimages(preimages))
            .AddSingleton<IBlobStore>(blobs)
            .AddSingleton(new BountyEvaluation(new BubblewrapSandbox(new SandboxOptions { ScratchRoot = workspace }, TimeProvider.System), new BountyWorkspace(blobs, workspace)))
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddBounties(rules);
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), 1, silo => silo
            .UseServices(services)
            .Configure(o => { o.Jobs.Concurrency = Math.Max(1, threads); o.Jobs.PollInterval = TimeSpan.FromMilliseconds(50); }));
        var grains = cluster.GrainFactory(0);
        try
        {
            var balance = await network.Coordinator.GetBalanceAsync();
            await grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).OpenAsync(balance.Local.ToSatsFloor());
            var sponsor = network.CreateFundedNode("sponsor", new Sats(1_000_000));
            var shipped = ShippedBounty.Generate(42);
            var terms = new BountyTerms(ShippedBounty.Task.Title, ShippedBounty.Task.Description, ShippedBounty.Task.Metric, MetricDirection.Maximize,
                ShippedBounty.Task.EvalCommand, ShippedBounty.Task.TargetGlobs, ["curl", "system"], 16_384, new Sats(20_000),
                TimeProvider.System.GetUtcNow() + TimeSpan.FromDays(1), 100_000, 0.01, 30, 256, 1);
            var posted = await new BountyPublisher(grains, blobs, network.Coordinator, rules)
                .PublishAsync(terms, ShippedBounty.BaselineArchive(shipped), ShippedBounty.HeldOutArchive(shipped));
            var funding = await sponsor.PayAsync(new PaymentRequest(posted.FundingInvoice, MilliSats.Zero, TimeSpan.FromSeconds(30)));
            if (funding.Status != PaymentStatus.Succeeded) throw new InvalidOperationException($"funding failed: {funding.FailureReason}");
            await cluster.WaitUntilAsync(async () => (await grains.GetGrain<IBountyGrain>(posted.Id).GetAsync()) is { Status: BountyStatus.Active, BestScore: not null },
                TimeSpan.FromMinutes(3), "the bounty to be funded and its baseline scored");

            var clock = TimeProvider.System.GetTimestamp();
            var baseline = shipped.Baseline[ShippedBounty.ConfigPath];
            var random = new Random(15);
            var nodes = new List<SimnetNode>();
            var ids = new List<string>();
            for (var a = 0; a < agents; a++)
            {
                var agent = network.CreateFundedNode($"noise-{a:D3}", new Sats(AgentFundingSat));
                nodes.Add(agent);
                var diff = UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, baseline, NonImprovement(baseline, a, random));
                ids.Add(await SubmitAsync(network, grains, blobs, preimages, rules, posted.Id, agent, diff));
            }
            var states = new Dictionary<string, BountySubmissionState>();
            await cluster.WaitUntilAsync(async () =>
            {
                foreach (var id in ids.Where(i => !states.ContainsKey(i)).ToList())
                {
                    var state = await grains.GetGrain<IBountySubmissionGrain>(id).GetAsync();
                    if (state is { Verdict: not null, DepositResolvedAt: not null }) states[id] = state;
                    else return false;
                }
                return true;
            }, TimeSpan.FromMinutes(30), "every noise agent's verdict and deposit");
            var wall = TimeProvider.System.GetElapsedTime(clock).TotalSeconds;
            long net = 0;
            foreach (var node in nodes) net += (await node.GetBalanceAsync()).Local.ToSatsFloor().Value - AgentFundingSat;
            return new NoiseAgentFigures(agents, states.Values.Sum(s => s.RewardSat.Value), net,
                states.Values.GroupBy(s => s.Verdict!.Reason).ToDictionary(g => g.Key, g => g.Count()), wall);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    // Even agents change a comment only; odd ones nudge one knob by 0.001 to 0.02, up or down.
    private static string NonImprovement(string config, int agent, Random random)
    {
        if (agent % 2 == 0) return config.Replace("# Spam filter settings.", $"# Spam filter settings (agent {agent}).", StringComparison.Ordinal);
        var knob = Knobs[random.Next(Knobs.Length)];
        var lines = config.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(knob + " = ", StringComparison.Ordinal)) continue;
            var value = double.Parse(lines[i][(knob.Length + 3)..], CultureInfo.InvariantCulture);
            var nudge = (0.001 + random.NextDouble() * 0.019) * (random.Next(2) == 0 ? -1 : 1);
            lines[i] = string.Create(CultureInfo.InvariantCulture, $"{knob} = {value + nudge:0.0000}");
        }
        return string.Join('\n', lines);
    }

    private static async Task<string> SubmitAsync(SimnetNetwork network, IGrainFactory grains, IBlobStore blobs, ConcurrentDictionary<string, Preimage> preimages,
        BountyRules rules, string bountyId, SimnetNode agent, string diff)
    {
        var preimage = Preimage.Random();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        preimages[token] = preimage;
        var invoice = await network.Coordinator.CreateHoldInvoiceAsync(
            new CreateHoldInvoiceRequest(preimage.Hash, new Sats(rules.DepositSat).ToMilliSats(), "deposit", TimeSpan.FromMinutes(10), 80));
        await foreach (var update in agent.SendPaymentAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30))))
            if (update.Status == PaymentStatus.InFlight) break;
        var id = preimage.Hash.ToHex();
        var version = (await grains.GetGrain<IBountyGrain>(bountyId).GetAsync()).Version;
        var arrival = await SubmissionIntake.PrepareAsync(blobs, new SubmissionRequest(bountyId, agent.Name, version, diff, null, null), preimage.Hash, token, new Sats(rules.DepositSat));
        await grains.GetGrain<IBountySubmissionGrain>(id).CreateAsync(arrival);
        return id;
    }

    private sealed class Preimages(ConcurrentDictionary<string, Preimage> preimages) : IDepositPreimages
    {
        public Preimage? ForToken(string tokenIdHex) => preimages.TryGetValue(tokenIdHex, out var p) ? p : null;
    }
}
