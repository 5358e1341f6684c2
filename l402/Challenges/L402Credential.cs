using L402Train.L402.Macaroons;
using L402Train.Lightning;

namespace L402Train.L402.Challenges;

/// <summary>
/// An <c>Authorization: L402 &lt;macaroon&gt;[,&lt;macaroon&gt;…]:&lt;preimage hex&gt;</c> credential. A hold-mode
/// credential has no preimage (<c>L402 &lt;macaroon&gt;:</c>).
/// </summary>
/// <param name="Macaroons">The macaroons (at least one).</param>
/// <param name="Preimage">The preimage; null for a hold-mode credential.</param>
public sealed partial record L402Credential(IReadOnlyList<Macaroon> Macaroons, Preimage? Preimage)
{
    /// <summary>Longest <c>Authorization</c> value accepted (as greenharbor); longer is malformed.</summary>
    public const int DefaultMaxLength = 8192;

    /// <summary>The most macaroons one credential may carry.</summary>
    public const int MaxMacaroons = 8;

    /// <summary>
    /// The header value every server accepts: <c>L402 &lt;std base64, padded&gt;:&lt;lowercase hex&gt;</c>
    /// (or <c>L402 &lt;base64&gt;:</c> without a preimage).
    /// </summary>
    public static string Format(Macaroon macaroon, Preimage? preimage)
    {
        ArgumentNullException.ThrowIfNull(macaroon);
        return Format(macaroon.ToBase64(), preimage);
    }

    /// <summary>As <see cref="Format(Macaroon, Preimage?)"/> with the macaroon's base64 already in hand.</summary>
    public static string Format(string macaroonBase64, Preimage? preimage) =>
        $"L402 {macaroonBase64}:{preimage?.ToHex() ?? ""}";

    /// <summary>
    /// Parses one <c>Authorization</c> value. Accepts <c>L402</c>/<c>LSAT</c> in any case, one or
    /// more spaces, standard or URL-safe base64 with or without padding, comma-separated
    /// macaroons, upper- or lowercase hex.
    /// </summary>
    public static CredentialParseResult Parse(string? header, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrEmpty(header)) return CredentialParseResult.Absent;
        if (header.Length > maxLength)
            return CredentialParseResult.Malformed($"The Authorization header is longer than {maxLength} characters.");
        // Spans throughout: the gate parses every paid request's header before anything is cached.
        var text = header.AsSpan();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        if (!scheme.Equals("L402", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("LSAT", StringComparison.OrdinalIgnoreCase))
            return CredentialParseResult.Absent;
        var rest = space < 0 ? [] : text[space..].TrimStart(' ');
        if (rest.Length == 0) return CredentialParseResult.Malformed("The L402 credential is empty; expected '<macaroon>:<preimage hex>'.");
        var colon = rest.IndexOf(':');
        if (colon < 0) return CredentialParseResult.Malformed("The L402 credential has no ':' between the macaroon and the preimage.");
        if (rest[(colon + 1)..].Contains(':')) return CredentialParseResult.Malformed("The L402 credential has more than one ':'.");

        var list = rest[..colon];
        if (list.Count(',') + 1 > MaxMacaroons) return CredentialParseResult.Malformed($"The credential carries more than {MaxMacaroons} macaroons.");
        var macaroons = new List<Macaroon>(1);
        foreach (var range in list.Split(','))
        {
            var part = list[range];
            if (part.Length == 0) return CredentialParseResult.Malformed("The credential has an empty macaroon.");
            if (!Macaroon.TryFromBase64(part, out var macaroon, out var error))
                return CredentialParseResult.Malformed($"The macaroon is not valid: {error}");
            macaroons.Add(macaroon!);
        }

        var hex = rest[(colon + 1)..].TrimEnd(' ');
        Preimage? preimage = null;
        if (hex.Length > 0)
        {
            if (hex.Length != 64) return CredentialParseResult.Malformed($"The preimage must be 64 hex characters (32 bytes), got {hex.Length}.");
            Span<byte> bytes = stackalloc byte[32];
            if (Convert.FromHexString(hex, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
                return CredentialParseResult.Malformed("The preimage is not hexadecimal.");
            preimage = new Preimage(bytes);
        }
        return CredentialParseResult.Parsed(new L402Credential(macaroons, preimage));
    }

    /// <summary>
    /// Parses every <c>Authorization</c> value of a request. Clients such as Aperture's send the
    /// same credential twice (<c>LSAT …</c> and <c>L402 …</c>); copies must agree, otherwise the
    /// request is malformed.
    /// </summary>
    public static CredentialParseResult Parse(IEnumerable<string?> headers, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(headers);
        CredentialParseResult? chosen = null;
        string? chosenBody = null;
        foreach (var header in headers.SelectMany(SplitJoinedCopies))
        {
            var result = Parse(header, maxLength);
            if (result.Status == CredentialParseStatus.Absent) continue;
            if (result.Status == CredentialParseStatus.Malformed) return result;
            var body = header![header!.IndexOf(' ')..].Trim();
            if (chosen is null) { chosen = result; chosenBody = body; }
            else if (!string.Equals(body, chosenBody, StringComparison.OrdinalIgnoreCase))
                return CredentialParseResult.Malformed("The request carries different L402 credentials.");
        }
        return chosen ?? CredentialParseResult.Absent;
    }

    /// <summary>
    /// A client (or proxy) that sends two Authorization values through one header line joins them
    /// as <c>LSAT a:b, L402 a:b</c>; base64 and hex never contain ", " so the split is unambiguous.
    /// </summary>
    private static IEnumerable<string?> SplitJoinedCopies(string? header) =>
        header is null || header.Length > DefaultMaxLength * 4 ? [header] : (IEnumerable<string?>)JoinedCopies().Split(header);

    [System.Text.RegularExpressions.GeneratedRegex(@",\s*(?=(?:[Ll]402|[Ll][Ss][Aa][Tt]) )")]
    private static partial System.Text.RegularExpressions.Regex JoinedCopies();
}

/// <summary>Whether an <c>Authorization</c> header held an L402 credential.</summary>
public enum CredentialParseStatus
{
    /// <summary>No L402/LSAT credential (no header, or another scheme).</summary>
    Absent,
    /// <summary>A credential that parsed.</summary>
    Parsed,
    /// <summary>An L402/LSAT credential that is syntactically wrong.</summary>
    Malformed,
}

/// <summary>The outcome of parsing an <c>Authorization</c> header.</summary>
/// <param name="Status">Absent, parsed or malformed.</param>
/// <param name="Credential">Set when parsed.</param>
/// <param name="Error">What is wrong, when malformed.</param>
public sealed record CredentialParseResult(CredentialParseStatus Status, L402Credential? Credential, string? Error)
{
    /// <summary>No credential.</summary>
    public static CredentialParseResult Absent { get; } = new(CredentialParseStatus.Absent, null, null);

    /// <summary>A parsed credential.</summary>
    public static CredentialParseResult Parsed(L402Credential credential) => new(CredentialParseStatus.Parsed, credential, null);

    /// <summary>A malformed credential.</summary>
    public static CredentialParseResult Malformed(string error) => new(CredentialParseStatus.Malformed, null, error);
}
