using System.Buffers;

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

        bool standard = false, urlSafe = false;
        foreach (var c in body)
        {
            if (c is '+' or '/') standard = true;
            else if (c is '-' or '_') urlSafe = true;
            else if (!char.IsAsciiLetterOrDigit(c))
            {
                error = $"'{(c < ' ' || c > '~' ? '?' : c)}' is not a base64 character.";
                return false;
            }
        }
        if (standard && urlSafe) { error = "The base64 text mixes the standard and URL-safe alphabets."; return false; }

        var padded = body.Length + ((4 - (body.Length % 4)) % 4);
        var rented = ArrayPool<char>.Shared.Rent(padded);
        try
        {
            for (var i = 0; i < body.Length; i++)
                rented[i] = body[i] switch { '-' => '+', '_' => '/', var c => c };
            for (var i = body.Length; i < padded; i++) rented[i] = '=';
            var output = new byte[padded / 4 * 3];
            if (!Convert.TryFromBase64Chars(rented.AsSpan(0, padded), output, out var written))
            {
                error = "The base64 text does not decode.";
                return false;
            }
            bytes = written == output.Length ? output : output[..written];
            error = null;
            return true;
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
