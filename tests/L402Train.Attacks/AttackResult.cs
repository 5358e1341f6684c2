using L402Train.Attacks.Arena;

namespace L402Train.Attacks;

/// <summary>How one attack ended: every verdict, the money, and how long validation took.</summary>
/// <param name="Attack">The attacker.</param>
/// <param name="Submissions">Every submission it filed.</param>
/// <param name="Refusals">Every request refused with a 4xx instead of being filed.</param>
/// <param name="SpentSats">What its wallets lost: L402 fees plus forfeited deposits, less any reward received.</param>
/// <param name="WallTime">How long the attack took end to end.</param>
public sealed record AttackResult(Attack Attack, IReadOnlyList<SubmissionRecord> Submissions, IReadOnlyList<string> Refusals, long SpentSats, TimeSpan WallTime)
{
    /// <summary>The attack's name.</summary>
    public string Name => Attack.Name;

    /// <summary>Every verdict code (and refusal) it got, in order, e.g. <c>diff_rejected:non_target_file</c>.</summary>
    public string Verdict => string.Join(", ", Submissions.Select(s => s.Reason).Concat(Refusals.Select(_ => "http_4xx")).Distinct());

    /// <summary>Rewards granted to it.</summary>
    public long RewardSats => Submissions.Sum(s => s.RewardSats);

    /// <summary>Deposits the coordinator kept.</summary>
    public int DepositsForfeited => Submissions.Count(s => s.DepositMoney == "forfeited");

    /// <summary>Deposits that came back.</summary>
    public int DepositsRefunded => Submissions.Count(s => s.DepositMoney == "refunded");

    /// <summary>Total validation time of its submissions (arrival to verdict).</summary>
    public TimeSpan EvalTime => Submissions.Aggregate(TimeSpan.Zero, (t, s) => t + s.EvalTime);

    /// <summary>The deposit outcome in a word: <c>forfeited</c>, <c>refunded</c>, <c>mixed</c> or <c>none</c>.</summary>
    public string DepositOutcome => (DepositsForfeited, DepositsRefunded) switch
    {
        (0, 0) => "none",
        (_, 0) => "forfeited",
        (0, _) => "refunded",
        _ => "mixed",
    };

    /// <summary>
    /// Refused: it did something (filed or was refused), nothing it filed was accepted, and it was
    /// paid nothing; a dishonest attack also lost every deposit it locked.
    /// </summary>
    public bool Refused => Submissions.Count + Refusals.Count > 0 && !Submissions.Any(s => s.Accepted) && RewardSats == 0 && SpentSats > 0
        && (!Attack.Dishonest || DepositsRefunded == 0);
}
