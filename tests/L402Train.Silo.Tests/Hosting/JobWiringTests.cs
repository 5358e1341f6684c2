using System.Reflection;
using L402Train.Gateway.L402;
using L402Train.Grains.Bounties;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Payments;
using L402Train.Grains.Retention;
using L402Train.Grains.Training;
using L402Train.Grains.Workers;
using L402Train.L402.Tokens;
using L402Train.Runtime;
using L402Train.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// The wiring by concept (<c>AddPayments</c>, <c>AddTraining</c>, <c>AddBounties</c>, <c>AddL402Gateway</c>, ...):
/// every job kind the grains and the gateway enqueue has a handler, and the silo registers exactly the
/// handlers the shared wiring does, for every set of tracks.
/// </summary>
public sealed class JobWiringTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Every job type named in the grains and the gateway: the constants of the *JobTypes classes, and each job's own JobType/Type.
    private static readonly string[] JobKinds = [.. new[] { typeof(PaymentJobTypes).Assembly, typeof(L402GatewayServices).Assembly }
        .SelectMany(a => a.GetTypes())
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)
                && (t.Name.EndsWith("JobTypes", StringComparison.Ordinal) || f.Name == "JobType" || (f.Name == "Type" && t.Name.EndsWith("Job", StringComparison.Ordinal))))
            .Select(f => (string)f.GetRawConstantValue()!))
        .Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void The_job_kinds_found_by_reflection_are_the_tracks_and_the_money_jobs()
    {
        // Guards the reflection: a rename that hid the job types from it would make the next tests vacuous.
        Assert.Superset(new HashSet<string>([PaymentJobTypes.SettleDeposit, PaymentJobTypes.PayReward, TrainingJobTypes.ValidateSubmission,
            BountyJobTypes.Validate, BountyJobTypes.Holdback, WorkerJobTypes.Run, UnfiledDepositJob.JobType, FeeSweepHandler.JobType,
            SweepDeadJobsHandler.JobType, RetentionJob.Type]), new HashSet<string>(JobKinds));
    }

    [Fact]
    public void Every_job_kind_the_grains_and_gateway_enqueue_has_a_handler_after_the_shared_wiring()
    {
        var registered = SharedWiring(tracks: ["training", "bounties"]).Types;

        Assert.Empty(JobKinds.Except(registered));
    }

    [Theory]
    [InlineData("training,bounties")]
    [InlineData("bounties")]
    [InlineData("training")]
    public async Task The_silo_registers_the_handlers_of_the_shared_wiring_and_nothing_else(string tracks)
    {
        var names = tracks.Split(',');
        await using var silo = await BuiltSilo.CreateAsync(names);

        var built = silo.App.Services.GetRequiredService<SiloJobs>().Types.Order(StringComparer.Ordinal);

        Assert.Equal(SharedWiring(names).Types.Order(StringComparer.Ordinal), built);
    }

    [Fact]
    public async Task A_bounty_only_silo_runs_every_job_its_bounty_and_money_grains_enqueue_and_no_training_job()
    {
        await using var silo = await BuiltSilo.CreateAsync(["bounties"]);

        var registered = silo.App.Services.GetRequiredService<SiloJobs>().Types;

        // Bounty payouts and sponsor refunds are reward.pay jobs: once registered only with the training track.
        Assert.Superset(new HashSet<string>([BountyJobTypes.Validate, BountyJobTypes.ScoreBaseline, BountyJobTypes.Holdback, BountyJobTypes.WatchFunding,
            BountyJobTypes.Close, PaymentJobTypes.SettleDeposit, PaymentJobTypes.CancelDeposit, PaymentJobTypes.PayReward, UnfiledDepositJob.JobType]),
            new HashSet<string>(registered));
        Assert.DoesNotContain(registered, t => t.StartsWith("round.", StringComparison.Ordinal) || t.StartsWith("submission.", StringComparison.Ordinal));
    }

    // What a test harness gets: the shared wiring of every role (no SiloIdentity), plus the services the handlers' factories need.
    private static SiloJobs SharedWiring(IReadOnlyCollection<string> tracks)
    {
        var services = new ServiceCollection()
            .AddL402Gateway(RootKeyRing.CreateRandom())
            .AddRetention(new RetentionOptions())
            .AddWorkers(new WorkerOptions());
        if (tracks.Contains("training")) services.AddTraining(new TrainingSetup(), new RewardSchedule());
        if (tracks.Contains("bounties")) services.AddBounties(new BountyRules());
        using var provider = services.BuildServiceProvider();
        return SiloJobs.Build(provider.GetServices<JobsConfigurator>(), provider);
    }

    // The real silo of every role, built (its jobs set up) but not started.
    private sealed class BuiltSilo : IAsyncDisposable
    {
        private readonly DirectoryInfo dir;

        private BuiltSilo(DirectoryInfo dir, Microsoft.AspNetCore.Builder.WebApplication app) => (this.dir, App) = (dir, app);

        public Microsoft.AspNetCore.Builder.WebApplication App { get; }

        public static Task<BuiltSilo> CreateAsync(IReadOnlyCollection<string> tracks)
        {
            var dir = Directory.CreateTempSubdirectory("l402train-wiring-");
            var settings = SiloSettings.Load(new Dictionary<string, string?>
            {
                ["DataDir"] = dir.FullName, ["Urls"] = "http://127.0.0.1:0", ["Tracks"] = string.Join(',', tracks),
                ["Roles"] = string.Join(',', SiloSettings.KnownRoles),
            }, new Dictionary<string, string?>(), dir.FullName);
            return Task.FromResult(new BuiltSilo(dir, SiloHost.Build(settings)));
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }
}
