using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using L402Train.Lightning;

namespace L402Train.L402.Tokens;

/// <summary>
/// Derives every token's root key from a server secret and the token id, so minting and
/// verifying need no storage. Rotation: mint under <see cref="Current"/>, keep older secrets in
/// the ring until the tokens they minted have expired; removing a secret revokes all of them.
/// </summary>
public sealed class RootKeyRing
{
    private static readonly byte[] RootKeyLabel = Encoding.ASCII.GetBytes("l402train/root-key/v0");
    private static readonly byte[] HoldPreimageLabel = Encoding.ASCII.GetBytes("l402train/hold-preimage/v0");

    private readonly Dictionary<uint, ServerSecret> secrets;

    /// <summary>Creates a ring minting under <paramref name="currentKeyId"/>.</summary>
    public RootKeyRing(IEnumerable<ServerSecret> secrets, uint currentKeyId)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        this.secrets = [];
        foreach (var secret in secrets)
        {
            if (!this.secrets.TryAdd(secret.KeyId, secret))
                throw new ArgumentException($"Two server secrets share key id {secret.KeyId}.", nameof(secrets));
        }
        Current = this.secrets.GetValueOrDefault(currentKeyId)
            ?? throw new ArgumentException($"The current key id {currentKeyId} is not in the ring.", nameof(currentKeyId));
    }

    /// <summary>A ring with one secret.</summary>
    public RootKeyRing(ServerSecret secret) : this([secret], secret?.KeyId ?? 0) { }

    /// <summary>The secret new tokens are minted under.</summary>
    public ServerSecret Current { get; }

    /// <summary>A ring with one fresh random secret (tests, single-process demos).</summary>
    public static RootKeyRing CreateRandom(uint keyId = 1) => new(new ServerSecret(keyId, RandomNumberGenerator.GetBytes(32)));

    /// <summary>A fresh token id under the current secret: key id (4 bytes) ‖ 28 random bytes.</summary>
    public TokenId NewTokenId()
    {
        Span<byte> bytes = stackalloc byte[TokenId.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Current.KeyId);
        RandomNumberGenerator.Fill(bytes[4..]);
        return new TokenId(bytes);
    }

    /// <summary>Writes the 32-byte root key of <paramref name="tokenId"/>; false when its secret is not in the ring.</summary>
    public bool TryDeriveRootKey(TokenId tokenId, Span<byte> rootKey) => TryDerive(tokenId, RootKeyLabel, rootKey);

    /// <summary>
    /// The preimage of a hold-mode token's invoice. The coordinator never stores it: it derives
    /// it again when it decides to settle. Null when the token's secret is not in the ring.
    /// </summary>
    public Preimage? DeriveHoldPreimage(TokenId tokenId)
    {
        Span<byte> bytes = stackalloc byte[32];
        return TryDerive(tokenId, HoldPreimageLabel, bytes) ? new Preimage(bytes) : null;
    }

    private bool TryDerive(TokenId tokenId, byte[] label, Span<byte> output)
    {
        if (!secrets.TryGetValue(tokenId.KeyId, out var secret)) return false;
        Span<byte> message = stackalloc byte[64];
        label.CopyTo(message);
        tokenId.Bytes.CopyTo(message[label.Length..]);
        secret.Hmac.Compute(message[..(label.Length + TokenId.Length)], output);
        return true;
    }
}
