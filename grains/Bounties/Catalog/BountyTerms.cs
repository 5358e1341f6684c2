using L402Train.Lightning;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;

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
    Sats TotalSat,
    DateTimeOffset Deadline,
    long RateSatPerUnit,
    double MinImprovement,
    int EvalTimeoutSeconds,
    int EvalMemoryMb,
    int Repeats)
{
    /// <summary>Least valid score (<c>score_min</c>); null: the metric's default (see <see cref="Range"/>).</summary>
    [Id(15)]
    public double? ScoreMin { get; init; }

    /// <summary>Greatest valid score (<c>score_max</c>); null: the metric's default (see <see cref="Range"/>).</summary>
    [Id(16)]
    public double? ScoreMax { get; init; }

    /// <summary>The held-out score at which the bounty closes, its goal met (<c>target_improvement</c>); null: none.</summary>
    [Id(17)]
    public double? TargetScore { get; init; }

    /// <summary>
    /// How many times the baseline is evaluated on each set at activation to measure the eval's noise
    /// (<c>noise_reruns</c>, each run with its own seed in <c>L402_EVAL_SEED</c>; <c>POST /bounties</c> defaults it to
    /// <see cref="DefaultNoiseReruns"/>). 0, as in terms stored before noise floors: the baseline runs <see cref="Repeats"/>
    /// times and no σ is measured. Stored terms are never given a new default: what a sponsor posted stays the deal.
    /// </summary>
    [Id(18)]
    public int NoiseReruns { get; init; }

    /// <summary>
    /// Share of each reward, in percent, held back until the re-evaluation on a fresh held-out slice (<c>holdback_pct</c>;
    /// <c>POST /bounties</c> defaults it to <see cref="DefaultHoldbackPct"/>). 0, as in terms stored before holdbacks: none.
    /// </summary>
    [Id(19)]
    public int HoldbackPct { get; init; }

    /// <summary>How long after the merge the holdback's re-evaluation runs (<c>holdback_delay_s</c>).</summary>
    [Id(20)]
    public TimeSpan HoldbackDelay { get; init; } = DefaultHoldbackDelay;

    /// <summary>
    /// How far a new leader raises the bar for this bounty (<c>leader_threshold_rise</c>; <c>POST /bounties</c> stores the
    /// silo's <see cref="BountyRules.LeaderThresholdRise"/> when the sponsor gives none). Null, as in terms stored before:
    /// the silo's setting applies.
    /// </summary>
    [Id(21)]
    public double? LeaderThresholdRise { get; init; }

    /// <summary>Share of the raised bar's excess lost per period (<c>leader_threshold_decay</c>); null: the silo's setting.</summary>
    [Id(22)]
    public double? LeaderThresholdDecay { get; init; }

    /// <summary>The decay's period (<c>leader_threshold_period_s</c>); null: the silo's setting.</summary>
    [Id(23)]
    public TimeSpan? LeaderThresholdPeriod { get; init; }

    /// <summary>Default of <see cref="NoiseReruns"/>.</summary>
    public const int DefaultNoiseReruns = 3;

    /// <summary>Default of <see cref="HoldbackPct"/>.</summary>
    public const int DefaultHoldbackPct = 20;

    /// <summary>Default of <see cref="HoldbackDelay"/>: 48 hours.</summary>
    public static readonly TimeSpan DefaultHoldbackDelay = TimeSpan.FromHours(48);

    /// <summary>How many runs per set score the baseline: at least <see cref="Repeats"/>, so every repeat of a submission has a baseline run of the same seed.</summary>
    public int BaselineRuns => Math.Max(NoiseReruns, Repeats);

    /// <summary>True when <paramref name="heldOutScore"/> reaches <see cref="TargetScore"/> in the metric's direction.</summary>
    public bool Reaches(double heldOutScore) =>
        TargetScore is { } target && (Direction == MetricDirection.Maximize ? heldOutScore >= target : heldOutScore <= target);

    /// <summary>
    /// The diff rules; throws <see cref="ArgumentException"/> for a glob or pattern that does not compile.
    /// <paramref name="evalFiles"/> (<see cref="EvalFiles.Find"/> of the tree) are protected unless listed as targets.
    /// </summary>
    public DiffPolicy Policy(IReadOnlyList<string>? evalFiles = null) =>
        new(TargetGlobs, MaxDiffBytes, ForbiddenPatterns) { EvalFilePaths = evalFiles ?? [] };

    /// <summary>Valid scores: the declared range, else the metric's default, else (terms posted before ranges) any finite score.</summary>
    public ScoreRange? Range() =>
        ScoreMin is { } min && ScoreMax is { } max ? new ScoreRange(min, max) : ScoreRange.DefaultFor(Metric);

    /// <summary>The sandbox limits of one eval run.</summary>
    public SandboxLimits Limits() => SandboxLimits.Default with
    {
        WallClock = TimeSpan.FromSeconds(EvalTimeoutSeconds),
        CpuTime = TimeSpan.FromSeconds(EvalTimeoutSeconds),
        MemoryBytes = (long)EvalMemoryMb << 20,
    };

    /// <summary>
    /// The step held-out figures are shown to agents in (and rewards paid on): <see cref="MinImprovement"/>,
    /// or a hundredth of the score range when the minimum is 0. Finer figures would let repeated
    /// submissions read the held-out set out of the scores.
    /// </summary>
    public double DisclosureGrid => MinImprovement > 0 ? MinImprovement : Range() is { } range ? (range.Max - range.Min) / 100 : 0.01;

    /// <summary><paramref name="value"/> floored to <see cref="DisclosureGrid"/> (a value a rounding error short of a step counts as the step).</summary>
    public double Coarsen(double value)
    {
        var grid = DisclosureGrid;
        return Math.Round(Math.Floor((value / grid) + 1e-9) * grid, 12);
    }

    /// <summary>
    /// The reward an improvement earns before the pool cap: rate × the improvement floored to the
    /// disclosure grid, in whole sats (floored), so the reward tells an agent no more than the coarse improvement does.
    /// </summary>
    public long RewardFor(double improvement) =>
        improvement <= 0 ? 0 : (long)Math.Min(long.MaxValue / 2, Math.Floor(RateSatPerUnit * Coarsen(improvement)));
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
    /// <summary>An accepted improvement reached the sponsor's <c>target_improvement</c>.</summary>
    TargetReached,
}
