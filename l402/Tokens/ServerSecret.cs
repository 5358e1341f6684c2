namespace L402Train.L402.Tokens;

/// <summary>One server secret of the keyring, named by a key id that minted tokens carry.</summary>
public sealed class ServerSecret
{
    /// <summary>Creates a secret; it must be at least 32 bytes.</summary>
    public ServerSecret(uint keyId, ReadOnlySpan<byte> secret)
    {
        if (secret.Length < 32) throw new ArgumentException("A server secret must be at least 32 bytes.", nameof(secret));
        KeyId = keyId;
        Hmac = new Macaroons.HmacKey(secret);
    }

    /// <summary>The id stored in the first 4 bytes of every token id minted under this secret.</summary>
    public uint KeyId { get; }

    // Every root key and hold preimage is an HMAC under this secret: its pads are computed once.
    internal Macaroons.HmacKey Hmac { get; }

    /// <summary>Parses <c>keyId:hex</c>, the form configuration uses.</summary>
    public static ServerSecret Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':');
        if (colon <= 0 || !uint.TryParse(text.AsSpan(0, colon), out var id))
            throw new FormatException("A server secret is written 'keyId:hex' (e.g. '1:<64 hex>').");
        return new ServerSecret(id, Convert.FromHexString(text.AsSpan(colon + 1)));
    }
}
