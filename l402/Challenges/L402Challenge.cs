namespace L402Train.L402.Challenges;

/// <summary>
/// One L402 challenge from a <c>WWW-Authenticate</c> header: a macaroon (base64 as sent) and a
/// BOLT11 invoice. <see cref="Format"/> writes the form every deployed client parses
/// (<c>L402 macaroon="…", invoice="…"</c>, extra parameters after the invoice);
/// <see cref="ParseAll(IEnumerable{string})"/> reads every form in use (L402 or LSAT in any case,
/// <c>macaroon=</c> or <c>token=</c>, quoted or not, <c>version=</c> anywhere, several challenges
/// on one comma-joined line).
/// </summary>
/// <param name="Scheme">The scheme as sent (<c>L402</c> or <c>LSAT</c>).</param>
/// <param name="Macaroon">The macaroon's base64 text as sent.</param>
/// <param name="Invoice">The BOLT11 payment request.</param>
/// <param name="Parameters">All auth parameters (lowercase names), including the two above.</param>
public sealed record L402Challenge(string Scheme, string Macaroon, string Invoice, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Creates a challenge with only the two required parameters.</summary>
    public L402Challenge(string macaroon, string invoice)
        : this("L402", macaroon, invoice, new Dictionary<string, string> { ["macaroon"] = macaroon, ["invoice"] = invoice })
    {
    }

    /// <summary>The header value: <c>L402 macaroon="…", invoice="…"</c>.</summary>
    public string Format() => $"{Scheme} macaroon=\"{Macaroon}\", invoice=\"{Invoice}\"";

    /// <summary>Every L402/LSAT challenge in the header values, in order; other schemes are skipped.</summary>
    public static IReadOnlyList<L402Challenge> ParseAll(IEnumerable<string> headerValues)
    {
        ArgumentNullException.ThrowIfNull(headerValues);
        var result = new List<L402Challenge>();
        foreach (var value in headerValues)
        {
            if (value is null) continue;
            foreach (var (scheme, parameters) in AuthenticateHeaderTokenizer.Split(value))
            {
                if (!scheme.Equals("L402", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("LSAT", StringComparison.OrdinalIgnoreCase))
                    continue;
                var macaroon = parameters.GetValueOrDefault("macaroon") ?? parameters.GetValueOrDefault("token");
                var invoice = parameters.GetValueOrDefault("invoice");
                if (string.IsNullOrEmpty(macaroon) || string.IsNullOrEmpty(invoice)) continue;
                result.Add(new L402Challenge(scheme, macaroon, invoice, parameters));
            }
        }
        return result;
    }

    /// <summary>Every L402/LSAT challenge in one header value (possibly several comma-joined lines).</summary>
    public static IReadOnlyList<L402Challenge> ParseAll(string headerValue) => ParseAll([headerValue]);

    /// <summary>The first challenge of a response, or null when it carries none.</summary>
    public static L402Challenge? FromResponse(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues("WWW-Authenticate", out var values) ? ParseAll(values).FirstOrDefault() : null;
    }
}
