using L402Train.Lightning;

namespace L402Train.Grains.Payments;

/// <summary>Where a held-back part of a reward stands before it can be claimed.</summary>
[GenerateSerializer, Alias("l402.HoldbackStage")]
public enum HoldbackStage
{
    /// <summary>Nothing is held back.</summary>
    None,
    /// <summary>Held until its re-evaluation.</summary>
    Held,
    /// <summary>The re-evaluation held up: the part is owed (its <see cref="HeldBackReward.Claim"/> takes over).</summary>
    Released,
    /// <summary>The re-evaluation did not hold up: the part went back to the payer's pool (final).</summary>
    Forfeited,
}

/// <summary>
/// The part of a reward paid only after a later re-evaluation (the bounty's temporal holdback): held,
/// then released (a second claimable payout, with the same claim life cycle as the first) or forfeited.
/// </summary>
[GenerateSerializer, Immutable, Alias("l402.HeldBackReward")]
public sealed record HeldBackReward
{
    /// <summary>The amount held back.</summary>
    [Id(0)]
    public Sats Sat { get; init; }

    /// <summary>Held, released or forfeited.</summary>
    [Id(1)]
    public HoldbackStage Stage { get; init; }

    /// <summary>When the re-evaluation runs.</summary>
    [Id(2)]
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The re-evaluation's figures in a sentence.</summary>
    [Id(3)]
    public string? Detail { get; init; }

    /// <summary>When the re-evaluation decided.</summary>
    [Id(4)]
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The claim of the released part; nothing is owed before the release.</summary>
    [Id(5)]
    public RewardClaim Claim { get; init; } = new();

    /// <summary><paramref name="sat"/> held until <paramref name="dueAt"/>; nothing when it is zero.</summary>
    public static HeldBackReward Hold(Sats sat, DateTimeOffset? dueAt) =>
        sat > Sats.Zero ? new() { Sat = sat, Stage = HoldbackStage.Held, DueAt = dueAt } : new() { DueAt = dueAt };

    /// <summary>The re-evaluation's outcome, recorded once: released (owed) or forfeited.</summary>
    public HeldBackReward Resolved(bool heldUp, string detail, DateTimeOffset at) => Stage != HoldbackStage.Held ? this : this with
    {
        Stage = heldUp ? HoldbackStage.Released : HoldbackStage.Forfeited,
        Claim = RewardClaim.OwedWhen(heldUp),
        Detail = detail,
        ResolvedAt = at,
    };
}
