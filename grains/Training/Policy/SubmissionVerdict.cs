namespace L402Train.Grains.Training;

/// <summary>Why a submission ended the way it did. The names are what reports and the API show.</summary>
[GenerateSerializer, Alias("l402.VerdictReason")]
public enum VerdictReason
{
    /// <summary>Significant improvement at or above τ: deposit refunded, reward owed.</summary>
    Accepted,
    /// <summary>Honest but not significant or below τ: deposit refunded, no reward.</summary>
    BelowThreshold,
    /// <summary>Score ≤ 0: the update does not help (free-rider, poisoner). Deposit forfeited.</summary>
    Harmful,
    /// <summary>The payload failed strict decoding, or held non-finite or out-of-range values. Deposit forfeited.</summary>
    Malformed,
    /// <summary>Built on an older checkpoint version than the round's. Deposit forfeited.</summary>
    Stale,
    /// <summary>Byte-identical to an earlier submission. Deposit forfeited.</summary>
    Duplicate,
    /// <summary>Top-k index overlap with an earlier submission of the round at or above the threshold. Deposit forfeited.</summary>
    Copycat,
    /// <summary>Larger than the schedule allows. Deposit forfeited.</summary>
    Oversize,
    /// <summary>The deposit's hold invoice was cancelled before a verdict (e.g. validation outran its expiry): nothing to settle.</summary>
    DepositExpired,
    /// <summary>The validation itself failed on every attempt (the coordinator's fault, not the peer's): deposit refunded, no reward.</summary>
    ValidatorError,
}

/// <summary>What happens to a deposit.</summary>
public enum DepositAction
{
    /// <summary>Cancel the hold invoice: the peer's funds return.</summary>
    Refund,
    /// <summary>Settle the hold invoice: the coordinator keeps the deposit.</summary>
    Forfeit,
    /// <summary>Nothing to do (the invoice is already cancelled).</summary>
    None,
}

/// <summary>The validator's decision on one submission.</summary>
/// <param name="Reason">The outcome.</param>
/// <param name="Score">Mean relative held-out loss decrease (0 when not scored).</param>
/// <param name="Quality">Score mapped to [0, 1]; drives the reward.</param>
/// <param name="Detail">A sentence for the peer saying why.</param>
[GenerateSerializer, Immutable, Alias("l402.SubmissionVerdict")]
public sealed record SubmissionVerdict(VerdictReason Reason, double Score, double Quality, string Detail)
{
    /// <summary>The money rule of PROTOCOL.md §3 for this outcome.</summary>
    public DepositAction Deposit => Reason switch
    {
        VerdictReason.Accepted or VerdictReason.BelowThreshold or VerdictReason.ValidatorError => DepositAction.Refund,
        VerdictReason.DepositExpired => DepositAction.None,
        _ => DepositAction.Forfeit,
    };

    /// <summary>True when a reward is owed (subject to the round budget).</summary>
    public bool EarnsReward => Reason == VerdictReason.Accepted;

    /// <summary>A rejection found by screening, before any compute.</summary>
    public static SubmissionVerdict Rejected(VerdictReason reason, string detail) => new(reason, 0, 0, detail);
}
