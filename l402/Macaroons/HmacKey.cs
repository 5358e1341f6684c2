namespace L402Train.L402.Macaroons;

/// <summary>
/// An HMAC-SHA256 key used many times (the fixed "macaroons-key-generator" and each server
/// secret). The SHA-256 states after the padded inner and outer key blocks are computed once, so
/// each HMAC hashes only the message and the inner digest: two compressions fewer per call, on a
/// verify path of about thirty.
/// </summary>
internal sealed class HmacKey
{
    private readonly byte[] key;
    private readonly byte[]? inner;
    private readonly byte[]? outer;

    public HmacKey(ReadOnlySpan<byte> key)
    {
        this.key = key.ToArray();
        if (!Sha256Digest.CanResume) return;
        Span<byte> block = stackalloc byte[64];
        MacaroonCrypto.KeyBlock(key, block);

        Span<byte> pad = stackalloc byte[64];
        inner = new byte[Sha256Digest.StateSize];
        outer = new byte[Sha256Digest.StateSize];
        for (var i = 0; i < 64; i++) pad[i] = (byte)(block[i] ^ 0x36);
        var started = Sha256Digest.Start(pad, inner);
        for (var i = 0; i < 64; i++) pad[i] = (byte)(block[i] ^ 0x5c);
        if (!started || !Sha256Digest.Start(pad, outer)) (inner, outer) = (null, null);
    }

    /// <summary>HMAC-SHA256(key, message) into <paramref name="output"/> (32 bytes).</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> output)
    {
        if (inner is null || outer is null)
        {
            MacaroonCrypto.Hmac(key, message, output);
            return;
        }
        Span<byte> innerDigest = stackalloc byte[32];
        Sha256Digest.Resume(inner, message, innerDigest);
        Sha256Digest.Resume(outer, innerDigest, output);
    }
}
