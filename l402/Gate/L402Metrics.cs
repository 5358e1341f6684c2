using System.Diagnostics.Metrics;

namespace L402Train.L402.Gate;

/// <summary>
/// The <c>L402Train.L402</c> meter: challenges issued and credential verification time, labelled by
/// capability (an endpoint's fixed name), mode (standard or hold) and outcome. No token id,
/// payment hash or macaroon ever becomes a label.
/// </summary>
public static class L402Metrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "L402Train.L402";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Challenges = Meter.CreateCounter<long>(
        "l402train.l402.challenges.issued", "{challenge}", "402 challenges minted (an invoice created and a macaroon bound to it), by capability and mode.");

    private static readonly Histogram<double> Verification = Meter.CreateHistogram(
        "l402train.l402.verification.duration", "s",
        "Time to verify a request's Authorization (parse, signature, caveats, revocation, and for hold tokens the node lookup and single-use consume), by capability, mode and outcome (accepted, payment_required, malformed, already_used).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });

    internal static void ChallengeIssued(string capability, L402Mode mode) =>
        Challenges.Add(1, new KeyValuePair<string, object?>("capability", capability), new KeyValuePair<string, object?>("mode", ModeName(mode)));

    internal static void Verified(string capability, bool hold, L402Outcome outcome, TimeSpan elapsed) =>
        Verification.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("capability", capability),
            new KeyValuePair<string, object?>("mode", hold ? "hold" : "standard"),
            new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    private static string ModeName(L402Mode mode) => mode == L402Mode.Hold ? "hold" : "standard";

    private static string OutcomeName(L402Outcome outcome) => outcome switch
    {
        L402Outcome.Accepted => "accepted",
        L402Outcome.PaymentRequired => "payment_required",
        L402Outcome.Malformed => "malformed",
        L402Outcome.AlreadyUsed => "already_used",
        _ => "unknown",
    };
}
