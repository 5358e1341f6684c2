using L402Train.Lightning;
using System.Diagnostics.Metrics;
using System.Text.Json;
using L402Train.Grains.Bounties.Submissions;

namespace L402Train.Grains.Bounties;

/// <summary>
/// The <c>L402Train.Bounties</c> meter: bounty submissions by verdict and the rewards merges
/// granted. Payouts and deposits are counted by <see cref="Payments.MoneyMetrics"/>; sandbox runs by
/// <see cref="L402Train.Bounties.Sandbox.SandboxMetrics"/>. No bounty id is ever a label.
/// </summary>
public static class BountyMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "L402Train.Bounties";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Submissions = Meter.CreateCounter<long>(
        "l402train.bounties.submissions", "{submission}", "Bounty submissions decided, by verdict (accepted, stale, diff_rejected, not_improved, not_significant, suspicious_gap, eval_failed, canary_failed, copied, superseded, closed, refused, deposit_expired, validator_error).");

    private static readonly Counter<long> RewardsGranted = Meter.CreateCounter<long>(
        "l402train.bounties.rewards.granted.sats", "{sat}", "Rewards merges granted from bounty pools, the coordinator's fee included (owed until the agent claims).");

    private static readonly Counter<long> Holdbacks = Meter.CreateCounter<long>(
        "l402train.bounties.holdbacks.sats", "{sat}", "Temporal holdbacks re-evaluated, by outcome (released, forfeited).");

    /// <summary>Counts a holdback's outcome (call once, after it is stored).</summary>
    public static void HoldbackResolved(bool released, Sats sat) =>
        Holdbacks.Add(sat.Value, new KeyValuePair<string, object?>("outcome", released ? "released" : "forfeited"));

    /// <summary>Counts a verdict (call once, after it is stored) and the reward its merge granted.</summary>
    public static void Decided(BountyVerdictReason reason, Sats rewardSat)
    {
        Submissions.Add(1, new KeyValuePair<string, object?>("verdict", JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString())));
        if (rewardSat > Sats.Zero) RewardsGranted.Add(rewardSat.Value);
    }
}
