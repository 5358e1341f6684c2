using L402Train.Lightning;

namespace L402Train.L402.Client;

/// <summary>
/// Spending limits of the paying client; each covers price plus routing fee. Null means no
/// limit. Hour and day are sliding windows.
/// </summary>
/// <param name="PerRequest">Most one payment may cost.</param>
/// <param name="PerHost">Most spent on one host over the handler's life.</param>
/// <param name="PerHour">Most spent in any 60 minutes.</param>
/// <param name="PerDay">Most spent in any 24 hours.</param>
/// <param name="Total">Most spent over the handler's life.</param>
public sealed record L402Budget(Sats? PerRequest, Sats? PerHost = null, Sats? PerHour = null, Sats? PerDay = null, Sats? Total = null)
{
    /// <summary>l402-dotnet's defaults: 1 000 sat per request, 10 000 per hour, 50 000 per day.</summary>
    public static L402Budget Default { get; } = new(new Sats(1_000), PerHour: new Sats(10_000), PerDay: new Sats(50_000));
}
