namespace L402Train.Lightning.Secp256k1;

/// <summary>
/// The secp256k1 operations Lightning needs: public keys, recoverable ECDSA signatures with
/// RFC 6979 nonces (always low-S, as libsecp256k1 produces them), recovery and verification.
/// Two engines exist and must agree byte for byte: the native libsecp256k1 and BouncyCastle.
/// </summary>
public abstract class Secp256k1Engine
{
    /// <summary>Which implementation this is ("libsecp256k1" or "BouncyCastle").</summary>
    public abstract string Name { get; }

    /// <summary>True when <paramref name="secretKey"/> is 32 bytes in [1, n-1].</summary>
    public abstract bool IsValidSecretKey(ReadOnlySpan<byte> secretKey);

    /// <summary>The 33-byte compressed public key of <paramref name="secretKey"/>.</summary>
    public abstract byte[] GetPublicKey(ReadOnlySpan<byte> secretKey);

    /// <summary>Signs a 32-byte hash: returns 64 bytes R‖S (low-S) and the recovery id (0..3).</summary>
    public abstract RecoverableSignature Sign(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> secretKey);

    /// <summary>Recovers the compressed public key from a compact signature and recovery id; null when impossible.</summary>
    public abstract byte[]? Recover(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> compact64, int recoveryId);

    /// <summary>Verifies a compact low-S signature against a compressed public key; high-S signatures fail.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> compact64, ReadOnlySpan<byte> publicKey33);

    /// <summary>True when S (the second half of <paramref name="compact64"/>) is at most n/2.</summary>
    public static bool IsLowS(ReadOnlySpan<byte> compact64)
    {
        // n/2 = 7FFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 5D576E73 57A4501D DFE92F46 681B20A0
        ReadOnlySpan<byte> halfOrder =
        [
            0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
        ];
        return compact64.Slice(32, 32).SequenceCompareTo(halfOrder) <= 0;
    }

    /// <summary>Returns a copy of <paramref name="compact64"/> with S replaced by n − S (the other valid form of the signature).</summary>
    public static byte[] NegateS(ReadOnlySpan<byte> compact64)
    {
        ReadOnlySpan<byte> order =
        [
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
            0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
        ];
        var result = compact64.ToArray();
        var borrow = 0;
        for (var i = 31; i >= 0; i--)
        {
            var diff = order[i] - compact64[32 + i] - borrow;
            borrow = diff < 0 ? 1 : 0;
            result[32 + i] = (byte)(diff + (borrow << 8));
        }
        return result;
    }

    /// <summary>
    /// The engine the process uses: native libsecp256k1 when it loads (with its recovery module),
    /// BouncyCastle otherwise, or when <see cref="EngineVariable"/> is "bouncycastle". Chosen once.
    /// </summary>
    public static Secp256k1Engine Default => DefaultEngine.Value;

    /// <summary>Environment variable that forces the managed engine ("bouncycastle"), e.g. to exercise the fallback.</summary>
    public const string EngineVariable = "L402TRAIN_SECP256K1";

    private static readonly Lazy<Secp256k1Engine> DefaultEngine = new(ChooseDefault);

    private static Secp256k1Engine ChooseDefault()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(EngineVariable), "bouncycastle", StringComparison.OrdinalIgnoreCase))
            return BouncyCastle;
        Secp256k1Engine? native = NativeSecp256k1.TryCreate();
        return native ?? BouncyCastle;
    }

    /// <summary>The BouncyCastle engine, whatever <see cref="Default"/> is (for comparisons and benchmarks).</summary>
    public static Secp256k1Engine BouncyCastle { get; } = new BouncyCastleSecp256k1();

    /// <summary>The native engine, or null when libsecp256k1.so.1 (with recovery) cannot be loaded.</summary>
    public static Secp256k1Engine? Native => NativeSecp256k1.TryCreate();
}

/// <summary>A compact recoverable ECDSA signature.</summary>
/// <param name="Compact">64 bytes: R ‖ S, big-endian.</param>
/// <param name="RecoveryId">0..3.</param>
public sealed record RecoverableSignature(byte[] Compact, int RecoveryId);
