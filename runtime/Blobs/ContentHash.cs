using System.Security.Cryptography;

namespace L402Train.Runtime;

/// <summary>The SHA-256 of a blob's bytes: its address in the blob store.</summary>
public readonly record struct ContentHash
{
    private readonly string hex;

    private ContentHash(string lowerHex) => hex = lowerHex;

    /// <summary>From the 32 digest bytes.</summary>
    public static ContentHash FromDigest(ReadOnlySpan<byte> digest) =>
        digest.Length == SHA256.HashSizeInBytes
            ? new ContentHash(Convert.ToHexStringLower(digest))
            : throw new ArgumentException($"A SHA-256 digest has {SHA256.HashSizeInBytes} bytes, not {digest.Length}.", nameof(digest));

    /// <summary>The hash of <paramref name="content"/>.</summary>
    public static ContentHash Of(ReadOnlySpan<byte> content) => FromDigest(SHA256.HashData(content));

    /// <summary>Parses 64 hex digits (any case); false for anything else (client input is checked here).</summary>
    public static bool TryParse(string? text, out ContentHash hash)
    {
        hash = default;
        if (text is not { Length: 64 } || !text.All(char.IsAsciiHexDigit)) return false;
        hash = new ContentHash(text.ToLowerInvariant());
        return true;
    }

    /// <summary>Lowercase hex.</summary>
    public override string ToString() => hex ?? throw new InvalidOperationException("An empty ContentHash has no value.");
}
