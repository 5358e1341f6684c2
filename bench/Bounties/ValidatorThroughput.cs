using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using L402Train.Grains.Bounties;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Bounties.Validation;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace L402Train.Bench.Bounties;

/// <summary>
/// Submissions validated per minute on the shipped bounty with one and with two validator silos
/// (one validation at a time each), measured in the same run: a bounty is posted and funded on an
/// in-memory store and simnet, <see cref="Submissions"/> valid but non-improving diffs are
/// submitted behind paid deposits (each runs the full public and held-out evaluation in the
/// sandbox), and the clock runs from the first submission to the last verdict.
/// </summary>
internal static class ValidatorThroughput
{
    private const int Submissions = 24;

    public static async Task RunAsync()
    {
        var one = await MeasureAsync(validators: 1);
        var two = await MeasureAsync(validators: 2);
        Print("bounty_validations_per_minute_1_validator", one);
        Print("bounty_validations_per_minute_2_validators", two);
        Print("bounty_validator_scaling_2_over_1", two / one);
    }

    private static async Task<double> MeasureAsync(int validators)
    {
        if (!OperatingSystem.IsLinux()) { throw new PlatformNotSupportedException("the bounty sandbox needs Linux."); }
        var time = TimeProvider.System;
        var root = Directory.CreateTempSubdirectory("l402-bench-validators-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        using var network = new SimnetNetwork(new SimnetOptions(), time);
        var payer = network.CreateFundedNode("payer", new Sats(10_000_000));
        var preimages = new ConcurrentDictionary<string, Preimage>();
        var blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
        var rules = new BountyRules { FundingPollInterval = TimeSpan.FromMilliseconds(50) };
        var workspace = Path.Combine(root, "workspace");
        var evaluation = new BountyEvaluation(new BubblewrapSandbox(new SandboxOptions { ScratchRoot = workspace }, time), new BountyWorkspace(blobs, workspace));
        var services = new ServiceCollection()
            .AddSingleton<ILightningNode>(network.Coordinator)
            .AddSingleton<IDepositPreimages>(new Preimages(preimages))
            .AddSingleton<IBlobStore>(blobs)
            .AddSingleton(evaluation)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddBounties(rules);
        var built = 0;
        await using var cluster = await TestCluster.StartAsync(new MemoryGrainStore(), validators + 1, silo =>
        {
            // The first silos validate, the last settles: the silo's wiring picks their handlers by role.
            var role = built++ < validators ? SiloRoles.Validator : SiloRoles.Settler;
            silo.UseServices(services)
                .UseServices(new ServiceCollection().AddSingleton(new SiloIdentity(role + built, new HashSet<string>([role]))))
                .Configure(o => { o.Jobs.PollInterval = TimeSpan.FromMilliseconds(20); o.Jobs.Concurrency = 1; o.Jobs.Prefetch = 1; });
        }, time);
        var grains = cluster.GrainFactory(validators);
        try
        {
            var generated = ShippedBounty.Generate(42);
            var terms = new BountyTerms("bench", "bench", "accuracy", MetricDirection.Maximize, ShippedBounty.Task.EvalCommand, ShippedBounty.Task.TargetGlobs, [],
                16_384, new Sats(100_000), time.GetUtcNow().AddHours(1), 100_000, 0.01, 30, 256, 1);
            var posted = await new BountyPublisher(grains, blobs, network.Coordinator, rules)
                .PublishAsync(terms, ShippedBounty.BaselineArchive(generated), ShippedBounty.HeldOutArchive(generated));
            await payer.PayAsync(new PaymentRequest(posted.FundingInvoice, MilliSats.Zero, TimeSpan.FromSeconds(30)));
            var bounty = grains.GetGrain<IBountyGrain>(posted.Id);
            await UntilAsync(async () => (await bounty.GetAsync()).BestHeldOutScores is not null, "the baseline to be scored");

            var config = generated.Baseline[ShippedBounty.ConfigPath];
            var ids = new List<string>();
            var started = time.GetTimestamp();
            for (var i = 0; i < Submissions; i++)
            {
                var diff = UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, config, config + $"# attempt {i}\n");
                ids.Add(await SubmitAsync(network, payer, preimages, blobs, grains, posted.Id, diff));
            }
            await UntilAsync(async () =>
            {
                foreach (var id in ids) if ((await grains.GetGrain<IBountySubmissionGrain>(id).GetAsync()).Verdict is null) return false;
                return true;
            }, "every verdict");
            return Submissions * 60 / time.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            await cluster.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<string> SubmitAsync(SimnetNetwork network, SimnetNode payer, ConcurrentDictionary<string, Preimage> preimages, IBlobStore blobs,
        IGrainFactory grains, string bountyId, string diff)
    {
        var preimage = Preimage.Random();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        preimages[token] = preimage;
        var invoice = await network.Coordinator.CreateHoldInvoiceAsync(new CreateHoldInvoiceRequest(preimage.Hash, new Sats(1_000).ToMilliSats(), "deposit", TimeSpan.FromMinutes(10), 80));
        await foreach (var update in payer.SendPaymentAsync(new PaymentRequest(invoice.PaymentRequest, MilliSats.Zero, TimeSpan.FromSeconds(30))))
            if (update.Status == PaymentStatus.InFlight) break;
        var id = preimage.Hash.ToHex();
        var arrival = await SubmissionIntake.PrepareAsync(blobs, new SubmissionRequest(bountyId, "bench", 0, diff, null, null), preimage.Hash, token, new Sats(1_000));
        await grains.GetGrain<IBountySubmissionGrain>(id).CreateAsync(arrival);
        return id;
    }

    // A benchmark polls the grains: it measures the cluster, and 10 ms of slack on a run of seconds does not matter.
    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddMinutes(2);
        while (!await condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    private static void Print(string name, double value) =>
        Console.WriteLine($"{name}={value.ToString("0.##", CultureInfo.InvariantCulture)}");

    private sealed class Preimages(ConcurrentDictionary<string, Preimage> preimages) : IDepositPreimages
    {
        public Preimage? ForToken(string tokenIdHex) => preimages.TryGetValue(tokenIdHex, out var p) ? p : null;
    }
}
