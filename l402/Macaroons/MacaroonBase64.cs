using System.Buffers;
using System.Buffers.Text;

namespace L402Train.L402.Macaroons;

/// <summary>
/// Base64 as the L402 ecosystem writes it: Aperture uses the standard alphabet with padding,
/// js-macaroon and pymacaroons the URL-safe alphabet without. Decoding accepts all four
/// combinations (as go-macaroon does) but never a mix of alphabets, whitespace or stray padding.
/// </summary>
public static class MacaroonBase64
{
    /// <summary>Decodes any of the four variants; throws <see cref="MacaroonFormatException"/>.</summary>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryDecode(text, out var bytes, out var error)) throw new MacaroonFormatException(error!);
        return bytes!;
    }

    /// <summary>Decodes any of the four variants, or returns false with the reason.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[]? bytes, out string? error)
    {
        bytes = null;
        var padding = 0;
        while (padding < text.Length && text[text.Length - 1 - padding] == '=') padding++;
        var body = text[..^padding];
        if (body.IsEmpty) { error = "The base64 text is empty."; return false; }
        if (padding > 2 || (padding > 0 && (body.Length + padding) % 4 != 0))
        {
            error = "The base64 padding is wrong.";
            return false;
        }
        if (body.Length % 4 == 1) { error = "The base64 text has an impossible length."; return false; }

        // Vectorized scans: this runs on every credential a gate sees.
        var invalid = body.IndexOfAnyExcept(Alphabets);
        if (invalid >= 0)
        {
            var c = body[invalid];
            error = $"'{(c < ' ' || c > '~' ? '?' : c)}' is not a base64 character.";
            return false;
        }
        var urlSafe = body.ContainsAny(UrlSafeOnly);
        if (urlSafe && body.ContainsAny(StandardOnly)) { error = "The base64 text mixes the standard and URL-safe alphabets."; return false; }

        var output = new byte[(body.Length * 3) / 4];
        int written;
        var decoded = urlSafe
            ? DecodeUrlSafe(body, output, out written)
            : padding > 0 || body.Length % 4 == 0
                ? Convert.TryFromBase64Chars(text, output, out written)
                : TryDecodeUnpadded(body, output, out written);
        if (!decoded)
        {
            error = "The base64 text does not decode.";
            return false;
        }
        bytes = written == output.Length ? output : output[..written];
        error = null;
        return true;
    }

    private static readonly SearchValues<char> Alphabets = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_");
    private static readonly SearchValues<char> UrlSafeOnly = SearchValues.Create("-_");
    private static readonly SearchValues<char> StandardOnly = SearchValues.Create("+/");

    // The OperationStatus form: Base64Url's Try* methods throw on invalid input (non-canonical trailing bits).
    private static bool DecodeUrlSafe(ReadOnlySpan<char> body, Span<byte> output, out int written) =>
        Base64Url.DecodeFromChars(body, output, out var consumed, out written) == OperationStatus.Done && consumed == body.Length;

    // Standard alphabet without padding: the URL-safe decoder reads it once the two symbols differ.
    private static bool TryDecodeUnpadded(ReadOnlySpan<char> body, Span<byte> output, out int written)
    {
        var rented = ArrayPool<char>.Shared.Rent(body.Length);
        try
        {
            var copy = rented.AsSpan(0, body.Length);
            body.CopyTo(copy);
            copy.Replace('+', '-');
            copy.Replace('/', '_');
            return DecodeUrlSafe(copy, output, out written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>URL-safe alphabet, no padding.</summary>
    public static string EncodeUrlSafe(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
