using L402Train.Grains.Training;

namespace L402Train.Gateway.Board.Pages;

/// <summary>Verdicts and money states in the words (and tones) the board shows.</summary>
internal static class BoardWords
{
    /// <summary>A verdict in words; "pending" while undecided.</summary>
    public static string Verdict(VerdictReason? reason) => reason switch
    {
        null => "pending",
        VerdictReason.Accepted => "accepted",
        VerdictReason.BelowThreshold => "below threshold",
        VerdictReason.Harmful => "harmful",
        VerdictReason.Malformed => "malformed",
        VerdictReason.Stale => "stale",
        VerdictReason.Duplicate => "duplicate",
        VerdictReason.Copycat => "copycat",
        VerdictReason.Oversize => "oversize",
        VerdictReason.DepositExpired => "deposit expired",
        VerdictReason.ValidatorError => "validator error",
        _ => reason.Value.ToString(),
    };

    /// <summary>The tone a verdict is shown in: good when paid, bad when the deposit is forfeited.</summary>
    public static string Tone(VerdictReason? reason) => reason switch
    {
        null => "tone-neutral",
        VerdictReason.Accepted => "tone-good",
        _ => new SubmissionVerdict(reason.Value, 0, 0, "").Deposit == DepositAction.Forfeit ? "tone-bad" : "tone-neutral",
    };

    /// <summary>A verdict cell.</summary>
    public static BoardCell VerdictCell(VerdictReason? reason) => new(Verdict(reason), Tone: Tone(reason));

    /// <summary>A deposit's state in words.</summary>
    public static string Deposit(DepositStatus status) => status switch
    {
        DepositStatus.Held => "held",
        DepositStatus.Refunding => "refunding",
        DepositStatus.Forfeiting => "forfeiting",
        DepositStatus.Refunded => "refunded",
        DepositStatus.Forfeited => "forfeited",
        _ => status.ToString(),
    };

    /// <summary>A reward's state in words.</summary>
    public static string Reward(RewardStatus status) => status switch
    {
        RewardStatus.None => "none",
        RewardStatus.Owed => "owed",
        RewardStatus.Paying => "paying",
        RewardStatus.Paid => "paid",
        _ => status.ToString(),
    };
}
