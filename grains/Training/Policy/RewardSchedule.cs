namespace L402Train.Grains.Training;

/// <summary>
/// Every number that decides who is paid what in the training track. Served as-is by
/// <c>GET /reward-schedule</c> so peers can see the rules before they spend anything.
/// </summary>
public sealed record RewardSchedule
{
    /// <summary>Price of one checkpoint download (standard L402), in sats.</summary>
    public long CheckpointPriceSat { get; init; } = 10;

    /// <summary>The hold-invoice deposit behind every gradient submission, in sats.</summary>
    public long DepositSat { get; init; } = 1_000;

    /// <summary>How long a deposit hold invoice may be paid; its HTLC is held at most until the CLTV bound.</summary>
    public TimeSpan DepositInvoiceExpiry { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Final CLTV delta of the deposit invoice, in blocks (10 minutes each on simnet's clock).</summary>
    public int DepositCltvBlocks { get; init; } = 40;

    /// <summary>Reward for a contribution of full quality (quality 1), in sats.</summary>
    public long BaseRateSat { get; init; } = 5_000;

    /// <summary>The most paid in rewards in one round, in sats.</summary>
    public long RoundBudgetSat { get; init; } = 20_000;

    /// <summary>Score (mean relative held-out loss decrease) at and above which quality is 1.</summary>
    public double FullQualityScore { get; init; } = 0.05;

    /// <summary>
    /// τ of a round with no random-direction baseline (round 1, before any update was accepted):
    /// the smallest significant score that earns a reward; below it an honest update is only
    /// refunded. Later rounds draw τ from their baseline (<see cref="RoundThreshold"/>).
    /// </summary>
    public double MinRewardedScore { get; init; } = 0.005;

    /// <summary>
    /// The least τ any baselined round uses, whatever random directions score there: an absolute
    /// floor under the rule, at which a full reward's share still pays more than a checkpoint.
    /// </summary>
    public double MinRewardedScoreFloor { get; init; } = 0.0005;

    /// <summary>
    /// R: random directions the validator scores once per round, of the previous accepted updates'
    /// median norm per tensor and the codec's sparsity, drawn from a secret per-round seed.
    /// </summary>
    public int BaselineDirections { get; init; } = 16;

    /// <summary>k: τ of a round is at least the baseline's mean plus k standard deviations.</summary>
    public double BaselineSigmas { get; init; } = 5.0;

    /// <summary>
    /// ρ: τ of a baselined round is at least this share of the median score the previous round
    /// accepted, so a random direction must do a good part of what an honest update did.
    /// </summary>
    public double MinRewardedShareOfMedian { get; init; } = 0.25;

    /// <summary>Learning rate at which one peer's update alone is applied to score it.</summary>
    public double TrialLearningRate { get; init; } = 1.0;

    /// <summary>M: held-out batches drawn per round to score submissions.</summary>
    public int HeldOutBatches { get; init; } = 8;

    /// <summary>Sequences per held-out batch.</summary>
    public int HeldOutBatchSize { get; init; } = 3;

    /// <summary>m: batches (of M) on which the loss must fall for a score to count as significant.</summary>
    public int MinImprovedBatches { get; init; } = 6;

    /// <summary>z: the mean improvement must exceed z standard errors.</summary>
    public double SignificanceZ { get; init; } = 2.0;

    /// <summary>Top-k index overlap with an earlier submission of the round at which a submission is a copy.</summary>
    public double CopycatOverlap { get; init; } = 0.4;

    /// <summary>
    /// Cosine similarity of values with an earlier submission of the round at which a submission is a
    /// copy. Catches a copy of an update's largest entries that shares fewer positions than
    /// <see cref="CopycatOverlap"/>: such a copy measures about 0.6, independent honest updates
    /// 0.05–0.08 in a first round of 30 and up to 0.32 in the second round of 1,000 peers (0.3
    /// refused 26 of them), and a copy kept under 0.45 carries under 20 % of the original's energy
    /// (docs/incentives.md).
    /// </summary>
    public double CopycatSimilarity { get; init; } = 0.45;

    /// <summary>Largest accepted gradient payload, in bytes.</summary>
    public long MaxPayloadBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>A round closes this long after it opens.</summary>
    public TimeSpan RoundDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A round also closes once this many submissions have a verdict (0: no quota).</summary>
    public int RoundQuota { get; init; }

    /// <summary>Outer learning rate of the aggregated step.</summary>
    public double OuterLearningRate { get; init; } = 1.0;

    /// <summary>Outer momentum μ (0: plain SGD, SparseLoCo's reference; its error feedback already acts as momentum).</summary>
    public double OuterMomentum { get; init; }

    /// <summary>Use Nesterov momentum in the outer step when <see cref="OuterMomentum"/> is above 0.</summary>
    public bool OuterNesterov { get; init; } = true;

    /// <summary>
    /// κ: each tensor of the aggregated update at most κ times the accepted peers' median norm. The
    /// per-coordinate mean over only the peers that sent a coordinate fills in as peers multiply, so
    /// without a bound the outer step grows with their number (6.2 times a peer's norm at 600 peers,
    /// raising the held-out loss) and a random direction can then score by undoing part of it
    /// (docs/incentives.md). The aggregate of R peers is at most √R times the median, so 3 leaves 9
    /// or fewer peers untouched.
    /// </summary>
    public double OuterStepNormLimit { get; init; } = 3.0;

    /// <summary>Checks the schedule is coherent; returns the first problem, naming the field, or null.</summary>
    public string? Validate() => this switch
    {
        { DepositSat: <= 0 } => "deposit_sat must be positive",
        { CheckpointPriceSat: < 0 } => "checkpoint_price_sat must not be negative",
        { BaseRateSat: < 0 } => "base_rate_sat must not be negative",
        { RoundBudgetSat: < 0 } => "round_budget_sat must not be negative",
        { FullQualityScore: <= 0 } => "full_quality_score must be positive",
        { MinRewardedScore: < 0 } => "min_rewarded_score must not be negative",
        { MinRewardedScoreFloor: < 0 } => "min_rewarded_score_floor must not be negative",
        { BaselineDirections: < 2 } => "baseline_directions must be at least 2",
        _ when !(BaselineSigmas >= 0) => "baseline_sigmas must not be negative",
        _ when !(MinRewardedShareOfMedian is >= 0 and <= 1) => "min_rewarded_share_of_median must be in [0, 1]",
        { HeldOutBatches: < 2 } => "held_out_batches must be at least 2",
        { HeldOutBatchSize: < 1 } => "held_out_batch_size must be at least 1",
        _ when MinImprovedBatches < 0 || MinImprovedBatches > HeldOutBatches => "min_improved_batches must be between 0 and held_out_batches",
        { CopycatOverlap: <= 0 or > 1 } => "copycat_overlap must be in (0, 1]",
        { CopycatSimilarity: <= 0 or > 1 } => "copycat_similarity must be in (0, 1]",
        { MaxPayloadBytes: <= 0 } => "max_payload_bytes must be positive",
        _ when RoundDuration <= TimeSpan.Zero => "round_duration must be positive",
        { OuterLearningRate: <= 0 } => "outer_learning_rate must be positive",
        { OuterMomentum: < 0 or >= 1 } => "outer_momentum must be in [0, 1)",
        _ when !(OuterStepNormLimit > 0) => "outer_step_norm_limit must be positive",
        _ => null,
    };
}
