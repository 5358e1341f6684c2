using L402Train.Bounties.Diffs;
using L402Train.Grains.Training;

namespace L402Train.Grains.Bounties.Submissions;

/// <summary>Why a bounty submission ended the way it did (the wire's <c>reason</c>, snake_case).</summary>
[GenerateSerializer, Alias("l402.BountyVerdictReason")]
public enum BountyVerdictReason
{
    /// <summary>Beat the current best on held-out by the minimum improvement, significantly, without a suspicious gap; merged. Deposit refunded.</summary>
    Accepted,
    /// <summary>Built on a version that was not the current one when it arrived. Deposit forfeited.</summary>
    Stale,
    /// <summary>The diff broke a rule (<see cref="BountyVerdict.DiffRejection"/> names which). Deposit forfeited.</summary>
    DiffRejected,
    /// <summary>Held-out score not better than the current best. Deposit forfeited (PROTOCOL §3 "harmful").</summary>
    NotImproved,
    /// <summary>Better, but below the minimum improvement or not significant over the repeats. Deposit refunded (honest, below threshold).</summary>
    NotSignificant,
    /// <summary>The public gain exceeds the held-out gain by more than the coordinator tolerates: fitted to the public set. Deposit forfeited.</summary>
    SuspiciousGap,
    /// <summary>The eval of the submitted tree failed or printed no score. Deposit forfeited.</summary>
    EvalFailed,
    /// <summary>An identical diff was claimed earlier (by commitment or arrival). Deposit forfeited.</summary>
    Copied,
    /// <summary>Built on the version current at arrival, but another submission merged before this one (validated or merged). Deposit refunded.</summary>
    Superseded,
    /// <summary>The bounty closed before the verdict. Deposit refunded.</summary>
    Closed,
    /// <summary>The request was refused with a 4xx after the deposit was locked. Deposit refunded.</summary>
    Refused,
    /// <summary>The node cancelled the deposit (HTLC expiry) before the verdict: nothing to settle.</summary>
    DepositExpired,
    /// <summary>The validation itself failed on every attempt (the coordinator's fault, not the agent's). Deposit refunded.</summary>
    ValidatorError,
    /// <summary>
    /// Got the public canary items right and their held-out counterparts wrong (canary accuracy public − held-out above one
    /// half): the answers were memorised from the public set. Deposit forfeited.
    /// </summary>
    CanaryFailed,
}

/// <summary>A validator's (or the gateway's) decision on one bounty submission.</summary>
/// <param name="Reason">The outcome.</param>
/// <param name="Detail">A sentence for the agent saying why.</param>
/// <param name="DiffRejection">The diff rule broken, for <see cref="BountyVerdictReason.DiffRejected"/>.</param>
/// <param name="PublicScores">Public scores, one per repeat (empty when not evaluated).</param>
/// <param name="HeldOutScores">Held-out scores, one per repeat (empty when not evaluated).</param>
/// <param name="Improvement">Mean held-out improvement over the current best, in the metric's direction.</param>
/// <param name="TreeBlob">For an acceptance: the archive of the merged tree.</param>
/// <param name="CreditedTo">For a copy: the submission credited with the diff.</param>
/// <param name="PublicStdoutTail">The end of the first public run's stdout (never held-out output).</param>
[GenerateSerializer, Alias("l402.BountyVerdict")]
public sealed record BountyVerdict(
    BountyVerdictReason Reason,
    string Detail,
    DiffRejectionReason? DiffRejection = null,
    IReadOnlyList<double>? PublicScores = null,
    IReadOnlyList<double>? HeldOutScores = null,
    double? Improvement = null,
    string? TreeBlob = null,
    string? CreditedTo = null,
    string? PublicStdoutTail = null)
{
    /// <summary>The money rule of PROTOCOL.md §3 for this outcome.</summary>
    public DepositAction Deposit => Reason switch
    {
        BountyVerdictReason.Accepted or BountyVerdictReason.NotSignificant or BountyVerdictReason.Superseded
            or BountyVerdictReason.Closed or BountyVerdictReason.Refused or BountyVerdictReason.ValidatorError => DepositAction.Refund,
        BountyVerdictReason.DepositExpired => DepositAction.None,
        _ => DepositAction.Forfeit,
    };

    /// <summary>The wire code: <c>accepted</c>, <c>stale</c>, <c>diff_rejected:&lt;code&gt;</c>, <c>not_improved</c>…</summary>
    public string Code => Reason switch
    {
        BountyVerdictReason.DiffRejected when DiffRejection is { } r => "diff_rejected:" + L402Train.Bounties.Diffs.DiffRejection.CodeOf(r),
        _ => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(Reason.ToString()),
    };

    /// <summary>Mean public score, when evaluated.</summary>
    public double? PublicScore => PublicScores is { Count: > 0 } s ? s.Average() : null;

    /// <summary>Mean held-out score, when evaluated.</summary>
    public double? HeldOutScore => HeldOutScores is { Count: > 0 } s ? s.Average() : null;

    /// <summary>How the held-out eval failed (exit, limit, error), for the sponsor only: agents never see held-out output, exit code or timing.</summary>
    [Id(9)]
    public string? HeldOutFailure { get; init; }

    /// <summary>A decision made without running anything.</summary>
    public static BountyVerdict Rejected(BountyVerdictReason reason, string detail) => new(reason, detail);
}
