using System.Text;

namespace L402Train.Model.Tokenizer;

/// <summary>
/// Byte-level tokenizer: one token per UTF-8 byte (V = 256), no vocabulary file, identical on
/// every peer. Byte 0 (NUL, absent from normal text) separates documents.
/// </summary>
public sealed class ByteTokenizer : ITokenizer
{
    /// <summary>The shared instance.</summary>
    public static ByteTokenizer Instance { get; } = new();

    /// <inheritdoc />
    public int VocabularySize => 256;

    /// <inheritdoc />
    public int EndOfText => 0;

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var tokens = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            tokens[i] = bytes[i];
        }

        return tokens;
    }

    /// <inheritdoc />
    public string Decode(ReadOnlySpan<int> tokens)
    {
        var bytes = new byte[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] > 255)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), $"Token {tokens[i]} is not a byte.");
            }

            bytes[i] = (byte)tokens[i];
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
