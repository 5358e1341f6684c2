using System.Diagnostics.Metrics;

namespace L402Train.Grains.Inference;

/// <summary>
/// The <c>L402Train.Inference</c> meter: paid inference requests and the revenue they bring. The
/// instruments are defined ahead of the feature; the recording point is the gateway's inference
/// endpoint once the generation is returned (it calls <see cref="RequestServed"/> with the L402
/// price it collected). Until that endpoint exists nothing is recorded and no series shows.
/// </summary>
public static class InferenceMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "L402Train.Inference";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "l402train.inference.requests", "{request}", "Inference requests answered, by outcome (served, refused, failed).");

    private static readonly Counter<long> Revenue = Meter.CreateCounter<long>(
        "l402train.inference.revenue.sats", "{sat}", "Sats collected for served inference requests.");

    private static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "l402train.inference.tokens.generated", "{token}", "Tokens generated for served requests.");

    /// <summary>Records one answered request; <paramref name="outcome"/> is served, refused or failed.</summary>
    public static void RequestServed(string outcome, long revenueSat, long tokensGenerated)
    {
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        Requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (revenueSat > 0) Revenue.Add(revenueSat);
        if (tokensGenerated > 0) Tokens.Add(tokensGenerated);
    }
}
