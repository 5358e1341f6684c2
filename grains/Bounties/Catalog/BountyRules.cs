namespace L402Train.Grains.Bounties.Catalog;

/// <summary>The coordinator's settings for the bounty track (every bounty shares them).</summary>
public sealed record BountyRules
{
    /// <summary>The hold-invoice deposit behind each submission (<c>bounty_deposit_sat</c>).</summary>
    public long DepositSat { get; init; } = 1_000;

    /// <summary>The standard L402 price of <c>GET /bounty/{id}</c> (<c>bounty_price_sat</c>).</summary>
    public long AccessPriceSat { get; init; } = 10;

    /// <summary>The coordinator's fee on every reward, in percent (<c>coordinator_fee_pct</c>).</summary>
    public decimal CoordinatorFeePct { get; init; } = 5;

    /// <summary>
    /// Largest tolerated excess of the public gain over the held-out gain (<c>suspicious_gap</c>):
    /// a diff whose public score rises much more than its held-out score is fitted to the public set.
    /// </summary>
    public double SuspiciousGap { get; init; } = 0.1;

    /// <summary>One-sided significance level of the repeats test (<c>significance_level</c>): 0.05, 0.025 or 0.01.</summary>
    public double SignificanceLevel { get; init; } = 0.05;

    /// <summary>The noise floor in standard deviations: a submission must improve by more than this × σ of the baseline reruns (<c>noise_floor_sigmas</c>).</summary>
    public double NoiseFloorSigmas { get; init; } = 2;

    /// <summary>
    /// How far a new leader raises the bar (<c>leader_threshold_rise</c>): the next challenger must beat it by
    /// this × the new leader's own improvement, decaying back to the noise floor (see <see cref="LeaderThreshold"/>).
    /// </summary>
    public double LeaderThresholdRise { get; init; } = 1;

    /// <summary>Share of the raised bar's excess over the floor lost per <see cref="LeaderThresholdPeriod"/> (<c>leader_threshold_decay</c>).</summary>
    public double LeaderThresholdDecay { get; init; } = 0.05;

    /// <summary>The period of <see cref="LeaderThresholdDecay"/> (<c>leader_threshold_period_s</c>).</summary>
    public TimeSpan LeaderThresholdPeriod { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Most noise reruns a sponsor may ask for.</summary>
    public int MaxNoiseReruns { get; init; } = 10;

    /// <summary>Longest holdback delay a sponsor may ask for.</summary>
    public TimeSpan MaxHoldbackDelay { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long a sponsor has to pay the funding invoice.</summary>
    public TimeSpan FundingInvoiceExpiry { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the funding job looks the funding invoice up.</summary>
    public TimeSpan FundingPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest decoded archive a sponsor may post (baseline or held-out).</summary>
    public int MaxArchiveBytes { get; init; } = 8 << 20;

    /// <summary>Largest submit body accepted (a larger diff than the bounty allows is still a verdict up to this size).</summary>
    public int MaxSubmitBodyBytes { get; init; } = 1 << 20;

    /// <summary>Largest eval timeout a sponsor may ask for, in seconds.</summary>
    public int MaxEvalTimeoutSeconds { get; init; } = 600;

    /// <summary>Largest eval memory a sponsor may ask for, in MiB.</summary>
    public int MaxEvalMemoryMb { get; init; } = 4096;

    /// <summary>Most repeats a sponsor may ask for.</summary>
    public int MaxRepeats { get; init; } = 10;

    /// <summary>The <c>noise_reruns</c> of a bounty posted without one (<c>--noise-reruns</c>; 3 to <see cref="MaxNoiseReruns"/>).</summary>
    public int DefaultNoiseReruns { get; init; } = BountyTerms.DefaultNoiseReruns;

    /// <summary>The <c>holdback_pct</c> of a bounty posted without one (<c>--holdback-pct</c>; 0 to 100).</summary>
    public int DefaultHoldbackPct { get; init; } = BountyTerms.DefaultHoldbackPct;

    /// <summary>The <c>holdback_delay_s</c> of a bounty posted without one (<c>--holdback-delay-s</c>; 60 s to <see cref="MaxHoldbackDelay"/>).</summary>
    public TimeSpan DefaultHoldbackDelay { get; init; } = BountyTerms.DefaultHoldbackDelay;

    /// <summary>Least holdback delay a sponsor (or the silo's default) may set: the re-evaluation must come after the merge.</summary>
    public static readonly TimeSpan MinHoldbackDelay = TimeSpan.FromSeconds(60);

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        if (DepositSat <= 0) throw new ArgumentOutOfRangeException(nameof(DepositSat), DepositSat, "the deposit must be at least 1 sat");
        if (AccessPriceSat <= 0) throw new ArgumentOutOfRangeException(nameof(AccessPriceSat), AccessPriceSat, "the access price must be at least 1 sat");
        if (CoordinatorFeePct is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(CoordinatorFeePct), CoordinatorFeePct, "the fee is a percentage between 0 and 100");
        if (!(SuspiciousGap > 0)) throw new ArgumentOutOfRangeException(nameof(SuspiciousGap), SuspiciousGap, "the gap threshold must be positive");
        if (SignificanceLevel is not (0.05 or 0.025 or 0.01)) throw new ArgumentOutOfRangeException(nameof(SignificanceLevel), SignificanceLevel, "use 0.05, 0.025 or 0.01");
        if (!(NoiseFloorSigmas >= 0) || !double.IsFinite(NoiseFloorSigmas)) throw new ArgumentOutOfRangeException(nameof(NoiseFloorSigmas), NoiseFloorSigmas, "a finite number ≥ 0");
        if (!(LeaderThresholdRise >= 0) || !double.IsFinite(LeaderThresholdRise)) throw new ArgumentOutOfRangeException(nameof(LeaderThresholdRise), LeaderThresholdRise, "a finite number ≥ 0");
        if (LeaderThresholdDecay is not (> 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(LeaderThresholdDecay), LeaderThresholdDecay, "a share in (0, 1]");
        if (LeaderThresholdPeriod <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(LeaderThresholdPeriod), LeaderThresholdPeriod, "must be positive");
        if (FundingPollInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(FundingPollInterval), FundingPollInterval, "must be positive");
        if (FundingInvoiceExpiry <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(FundingInvoiceExpiry), FundingInvoiceExpiry, "must be positive");
        if (DefaultNoiseReruns < 3 || DefaultNoiseReruns > MaxNoiseReruns)
            throw new ArgumentOutOfRangeException(nameof(DefaultNoiseReruns), DefaultNoiseReruns, $"from 3 to {MaxNoiseReruns}");
        if (DefaultHoldbackPct is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(DefaultHoldbackPct), DefaultHoldbackPct, "a percentage from 0 to 100");
        if (DefaultHoldbackDelay < MinHoldbackDelay || DefaultHoldbackDelay > MaxHoldbackDelay)
            throw new ArgumentOutOfRangeException(nameof(DefaultHoldbackDelay), DefaultHoldbackDelay, $"from {MinHoldbackDelay} to {MaxHoldbackDelay}");
    }
}
