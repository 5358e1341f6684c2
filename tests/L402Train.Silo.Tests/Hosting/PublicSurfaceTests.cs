using System.Reflection;
using L402Train.Gateway.Apis;
using L402Train.Grains.Training;
using L402Train.Runtime;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// Job handlers and grain classes of grains/ and gateway/ are internal unless another project needs
/// them (docs/grains-runtime.md, "Public surface"): a new public one fails here.
/// </summary>
public sealed class PublicSurfaceTests
{
    // Public because the gateway or the silo names them: the grains' keys and owner kinds, and the
    // sweeps the silo schedules and the gateway registers. Each entry's reason is in the docs.
    private static readonly HashSet<string> NeededByAnotherProject =
    [
        "L402Train.Grains.Training.TrainingRunGrain",
        "L402Train.Grains.Training.SubmissionGrain",
        "L402Train.Grains.Bounties.Catalog.BountyIndexGrain",
        "L402Train.Grains.Bounties.Submissions.BountySubmissionGrain",
        "L402Train.Grains.Payments.LedgerGrain",
        "L402Train.Grains.Workers.ExperimentGrain",
        "L402Train.Grains.Payments.SweepDeadJobsHandler",
        "L402Train.Grains.Payments.FeeSweepHandler",
    ];

    private static readonly Assembly[] Checked = [typeof(RoundState).Assembly, typeof(L402OpenApi).Assembly];

    private static IEnumerable<Type> HandlersAndGrains(Assembly assembly) =>
        assembly.GetTypes().Where(t => t.IsClass && (typeof(IJobHandler).IsAssignableFrom(t) || typeof(Grain).IsAssignableFrom(t)));

    [Fact]
    public void No_job_handler_or_grain_class_of_grains_or_gateway_is_public_unless_another_project_needs_it()
    {
        var exposed = Checked.SelectMany(HandlersAndGrains).Where(t => t.IsVisible).Select(t => t.FullName!);

        var unexpected = exposed.Where(name => !NeededByAnotherProject.Contains(name)).ToList();

        Assert.Empty(unexpected);
    }

    [Fact]
    public void Every_type_the_exception_list_names_is_a_public_handler_or_grain_so_the_list_stays_current()
    {
        var exposed = Checked.SelectMany(HandlersAndGrains).Where(t => t.IsVisible).Select(t => t.FullName!).ToHashSet(StringComparer.Ordinal);

        var stale = NeededByAnotherProject.Where(name => !exposed.Contains(name)).ToList();

        Assert.Empty(stale);
    }

    [Fact]
    public void The_assemblies_do_have_internal_handlers_and_grains_so_the_check_sees_them()
    {
        var hidden = Checked.SelectMany(HandlersAndGrains).Where(t => !t.IsVisible).Select(t => t.Name).ToList();

        Assert.Contains("RoundGrain", hidden);
        Assert.Contains("SettleDepositHandler", hidden);
        Assert.Contains("RefundUnfiledDepositHandler", hidden);
    }
}
