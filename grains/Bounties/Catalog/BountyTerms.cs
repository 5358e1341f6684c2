using L402Train.Grains.Bounties.Diffs;
using L402Train.Grains.Bounties.Improvers;
using L402Train.Grains.Bounties.Sandbox;

namespace L402Train.Grains.Bounties.Catalog;

/// <summary>What a sponsor posts: the task, the rules for diffs and evaluations, and the money.</summary>
/// <param name="Title">Short title.</param>
/// <param name="Description">What to improve.</param>
/// <param name="Metric">Name of the score the eval prints.</param>
/// <param name="Direction">Whether higher or lower scores are better.</param>
/// <param name="EvalCommand">Run by <c>/bin/sh -c</c> in the working copy; the last stdout line is the score.</param>
/// <param name="TargetGlobs">Files a submission may change.</param>
/// <param name="ForbiddenPatterns">Patterns no added line may match.</param>
/// <param name="MaxDiffBytes">Largest diff accepted.</param>
/// <param name="TotalSat">The pool the sponsor funds.</param>
/// <param name="Deadline">When the bounty closes.</param>
/// <param name="RateSatPerUnit">Reward per unit of held-out improvement: reward = min(remaining, rate × improvement).</param>
/// <param name="MinImprovement">Least held-out improvement that is paid.</param>
/// <param name="EvalTimeoutSeconds">Wall clock (and CPU time) of each eval run.</param>
/// <param name="EvalMemoryMb">Address-space limit of each eval run.</param>
/// <param name="Repeats">Runs per set and submission (more than one when the eval is noisy).</param>
[GenerateSerializer, Alias("l402.BountyTerms")]
public sealed record BountyTerms(
    string Title,
    string Description,
    string Metric,
    MetricDirection Direction,
    string EvalCommand,
    IReadOnlyList<string> TargetGlobs,
    IReadOnlyList<string> ForbiddenPatterns,
    long MaxDiffBytes,
    long TotalSat,
    DateTimeOffset Deadline,
    long RateSatPerUnit,
    double MinImprovement,
    int EvalTimeoutSeconds,
    int EvalMemoryMb,
    int Repeats)
{
    /// <summary>The diff rules; throws <see cref="ArgumentException"/> for a glob or pattern that does not compile.</summary>
    public DiffPolicy Policy() => new(TargetGlobs, MaxDiffBytes, ForbiddenPatterns);

    /// <summary>The sandbox limits of one eval run.</summary>
    public SandboxLimits Limits() => SandboxLimits.Default with
    {
        WallClock = TimeSpan.FromSeconds(EvalTimeoutSeconds),
        CpuTime = TimeSpan.FromSeconds(EvalTimeoutSeconds),
        MemoryBytes = (long)EvalMemoryMb << 20,
    };

    /// <summary>The reward an improvement earns before the pool cap: rate × improvement, in whole sats (floored).</summary>
    public long RewardFor(double improvement) =>
        improvement <= 0 ? 0 : (long)Math.Min(long.MaxValue / 2, Math.Floor(RateSatPerUnit * improvement));
}

/// <summary>Where a bounty is in its life.</summary>
[GenerateSerializer, Alias("l402.BountyStatus")]
public enum BountyStatus
{
    /// <summary>Posted; the funding invoice is not paid yet.</summary>
    AwaitingFunding,
    /// <summary>Funded and open for submissions.</summary>
    Active,
    /// <summary>Closed (deadline, pool exhausted, cancelled or never funded): no new submissions; the held-out set is revealed.</summary>
    Closed,
}

/// <summary>Why a bounty closed.</summary>
[GenerateSerializer, Alias("l402.BountyCloseReason")]
public enum BountyCloseReason
{
    /// <summary>The deadline passed.</summary>
    Deadline,
    /// <summary>Rewards used up the pool.</summary>
    PoolExhausted,
    /// <summary>The sponsor cancelled it.</summary>
    Cancelled,
    /// <summary>The funding invoice expired unpaid.</summary>
    FundingExpired,
}
