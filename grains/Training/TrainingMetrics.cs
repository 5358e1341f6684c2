using L402Train.Lightning;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace L402Train.Grains.Training;

/// <summary>
/// The <c>L402Train.Training</c> meter: submissions by verdict, rewards granted, rounds aggregated,
/// and gauges of the latest aggregated round (its number and held-out loss before and after the
/// outer step). A round number is never a label: it grows without bound, so the latest round is a gauge.
/// </summary>
public static class TrainingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "L402Train.Training";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Lock Gate = new();
    private static LatestRound? latest;

    private static readonly Counter<long> Submissions = Meter.CreateCounter<long>(
        "l402train.training.submissions", "{submission}", "Gradient submissions decided, by verdict (accepted, below_threshold, harmful, malformed, stale, duplicate, copycat, oversize, deposit_expired, validator_error).");

    private static readonly Counter<long> RewardsGranted = Meter.CreateCounter<long>(
        "l402train.training.rewards.granted.sats", "{sat}", "Rewards granted from round budgets at verdict (owed until the peer claims them; payments are l402train_money_rewards_paid_*).");

    private static readonly Counter<long> Rounds = Meter.CreateCounter<long>(
        "l402train.training.rounds.aggregated", "{round}", "Rounds whose outer step was applied (with or without accepted gradients).");

    static TrainingMetrics()
    {
        Meter.CreateObservableGauge("l402train.training.round", () => Latest(r => r.Number), "{round}", "Number of the latest round this silo aggregated.");
        Meter.CreateObservableGauge("l402train.training.loss.before", () => Latest(r => r.LossBefore), null, "Mean held-out loss of the latest aggregated round's base checkpoint.");
        Meter.CreateObservableGauge("l402train.training.loss.after", () => Latest(r => r.LossAfter), null, "Mean held-out loss after the latest aggregated round's outer step (equal to before when nothing was accepted).");
        Meter.CreateObservableGauge("l402train.training.round.accepted", () => Latest(r => r.Accepted), "{submission}", "Submissions accepted in the latest aggregated round.");
    }

    /// <summary>Counts a verdict (call once, after it is stored) and the reward it granted.</summary>
    public static void Decided(VerdictReason reason, Sats rewardSat)
    {
        Submissions.Add(1, new KeyValuePair<string, object?>("verdict", VerdictName(reason)));
        if (rewardSat > Sats.Zero) RewardsGranted.Add(rewardSat.Value);
    }

    /// <summary>Records an aggregated round (call once, after it is stored); the gauges show the round recorded last.</summary>
    public static void Aggregated(RoundState round)
    {
        ArgumentNullException.ThrowIfNull(round);
        Rounds.Add(1);
        var entry = new LatestRound(round.Number, round.LossBefore ?? double.NaN, round.LossAfter ?? double.NaN,
            round.Submissions.Count(s => s.Reason == VerdictReason.Accepted));
        // Rounds aggregate one after another; the last recorded is the latest (a process hosting a fresh cluster starts again at 1).
        lock (Gate) latest = entry;
    }

    /// <summary>The label value of a verdict, as reports and the API spell it (<c>below_threshold</c>).</summary>
    public static string VerdictName(VerdictReason reason) => JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString());

    private static IEnumerable<Measurement<double>> Latest(Func<LatestRound, double> read)
    {
        LatestRound? round;
        lock (Gate) round = latest;
        return round is null ? [] : [new Measurement<double>(read(round))];
    }

    private sealed record LatestRound(int Number, double LossBefore, double LossAfter, int Accepted);
}
