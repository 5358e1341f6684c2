using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using L402Train.L402.Caveats;
using L402Train.L402.Challenges;
using L402Train.L402.Macaroons;
using L402Train.Lightning.Bolt11;

namespace L402Train.PeerAgent.Inference;

/// <summary>What a 402 offers, read without paying.</summary>
/// <param name="Status">The HTTP status (402 when priced).</param>
/// <param name="AdvertisedSat">The price the body names (<c>amount_sats</c>, or an older server's <c>amount_sat</c>), or null.</param>
/// <param name="InvoiceSat">The invoice's own amount, or null for an amountless one.</param>
/// <param name="Mode"><c>standard</c> or <c>hold</c>.</param>
/// <param name="ExpiresAt">When the invoice stops being payable.</param>
/// <param name="Capabilities">The capabilities the macaroon grants.</param>
/// <param name="Caveats">Every first-party caveat, as written.</param>
public sealed record L402Offer(int Status, long? AdvertisedSat, long? InvoiceSat, string Mode, DateTimeOffset? ExpiresAt, string? Capabilities, IReadOnlyList<string> Caveats)
{
    /// <summary>True when the invoice asks exactly the advertised price (a client pays only then).</summary>
    public bool AmountMatches => AdvertisedSat is not null && InvoiceSat == AdvertisedSat;
}

/// <summary><c>peer-agent probe</c>: requests a paid URL without credentials and reads its challenge.</summary>
public static class L402Probe
{
    /// <summary>A small completion body, so a chat endpoint prices something instead of refusing the request.</summary>
    public const string ChatProbeBody = """{"model":"l402train-gpt","messages":[{"role":"user","content":"hi"}],"max_tokens":16}""";

    /// <summary>The <c>max_tokens</c> of <see cref="ChatProbeBody"/>, so a probed price converts to sats per 1000 tokens.</summary>
    public const int ChatProbeTokens = 16;

    /// <summary>Sends <paramref name="method"/> to <paramref name="url"/> (with <paramref name="body"/> when given) and reads the 402.</summary>
    public static async Task<L402Offer> ProbeAsync(HttpClient http, Uri url, HttpMethod method, string? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.PaymentRequired || L402Challenge.FromResponse(response) is not { } challenge)
            return new L402Offer((int)response.StatusCode, null, null, "-", null, null, []);
        long? advertised = null;
        DateTimeOffset? expires = null;
        var mode = "standard";
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if ((json.RootElement.TryGetProperty("amount_sats", out var a) || json.RootElement.TryGetProperty("amount_sat", out a)) && a.TryGetInt64(out var sat)) advertised = sat;
            if (json.RootElement.TryGetProperty("mode", out var m) && m.GetString() is { } named) mode = named;
            if (json.RootElement.TryGetProperty("expires_at", out var e) && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) expires = at;
        }
        catch (JsonException)
        {
            // Not every L402 server puts the price in the body: the invoice still says it.
        }
        var invoice = Bolt11Invoice.Decode(challenge.Invoice);
        var caveats = Macaroon.TryFromBase64(challenge.Macaroon, out var macaroon, out _) ? macaroon!.Caveats.Select(c => c.ToString()).ToList() : [];
        string? capabilities = null;
        foreach (var text in caveats)
        {
            if (Caveat.TryParse(text, out var parsed) && parsed.Condition.EndsWith(L402CaveatNames.CapabilitiesSuffix, StringComparison.Ordinal)) capabilities = parsed.Value;
        }
        if (caveats.Any(c => c == $"{L402CaveatNames.Mode}={L402CaveatNames.HoldMode}")) mode = "hold";
        return new L402Offer(402, advertised, invoice.Amount?.ToSatsFloor().Value, mode, expires ?? invoice.ExpiresAt, capabilities, caveats);
    }
}
