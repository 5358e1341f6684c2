using System.Globalization;
using L402Train.Grains.Training;

namespace L402Train.Bench.Incentives.Training;

/// <summary>
/// One line per finished round (stderr), so a run stopped part way still says what each round
/// did: wall time, the held-out loss across the outer step, the round's τ and the random-direction baseline it came from, sats paid to honest work and to
/// anything else, honest work not accepted (by profile and verdict: a splitting sybil's parts are honest work), and accepted submissions per adversarial profile.
/// </summary>
internal static class RoundProgress
{
    public static string Line(int round, RoundState state, IReadOnlyList<SubmissionRecord> filed, TimeSpan wall)
    {
        var honestSat = filed.Where(r => r.Honest).Sum(r => r.State.RewardSat.Value);
        var otherSat = filed.Where(r => !r.Honest).Sum(r => r.State.RewardSat.Value);
        // Honest work includes a splitting sybil's parts, a third of an update each, often below τ: count honest peers apart.
        var honestRefused = filed.Where(r => r.Honest && r.State.Verdict?.Reason != VerdictReason.Accepted)
            .GroupBy(r => (r.Identity.Profile, r.State.Verdict?.Reason)).Select(g => $"{g.Key.Profile.Name()}/{g.Key.Reason}:{g.Count()}").ToList();
        var leaks = filed.Where(r => !r.Honest && r.State.Verdict?.Reason == VerdictReason.Accepted)
            .GroupBy(r => r.Identity.Profile).Select(g => $"{g.Key.Name()}:{g.Count()}");
        return string.Create(CultureInfo.InvariantCulture,
            $"round {round}: {filed.Count} submissions in {wall.TotalSeconds:0.0} s; heldout_loss {state.LossBefore:0.0000} -> {state.LossAfter:0.0000}; tau {state.Threshold?.Tau:0.00000} (baseline {state.Threshold?.BaselineMean:+0.00000;-0.00000} ± {state.Threshold?.BaselineSd:0.00000}); paid honest {honestSat} sat, other {otherSat} sat; honest_not_accepted=[{string.Join(",", honestRefused)}]; non_honest_accepted=[{string.Join(",", leaks)}]");
    }
}
