using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace L402Train.Lightning.Secp256k1;

/// <summary>
/// The managed fallback when libsecp256k1 is absent. It follows libsecp256k1 exactly: the
/// message hash is reduced mod n before use, the nonce is RFC 6979 with HMAC-SHA256 over
/// key ‖ reduced hash, S is normalised to low-S and the recovery id flipped with it, so both
/// engines emit identical bytes.
/// </summary>
internal sealed class BouncyCastleSecp256k1 : Secp256k1Engine
{
    private static readonly X9ECParameters Curve = SecNamedCurves.GetByName("secp256k1");
    private static readonly BigInteger N = Curve.N;
    private static readonly BigInteger HalfN = N.ShiftRight(1);
    private static readonly FixedPointCombMultiplier BaseMultiplier = new();

    public override string Name => "BouncyCastle";

    public override bool IsValidSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != 32) return false;
        var d = new BigInteger(1, secretKey.ToArray());
        return d.SignValue > 0 && d.CompareTo(N) < 0;
    }

    public override byte[] GetPublicKey(ReadOnlySpan<byte> secretKey)
    {
        var d = SecretScalar(secretKey);
        return BaseMultiplier.Multiply(Curve.G, d).Normalize().GetEncoded(true);
    }

    public override RecoverableSignature Sign(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> secretKey)
    {
        var d = SecretScalar(secretKey);
        var e = MessageScalar(hash32);
        var nonces = new HMacDsaKCalculator(new Sha256Digest());
        nonces.Init(N, d, To32Bytes(e));
        while (true)
        {
            var k = nonces.NextK();
            var point = BaseMultiplier.Multiply(Curve.G, k).Normalize();
            var x = point.AffineXCoord.ToBigInteger();
            var r = x.Mod(N);
            if (r.SignValue == 0) continue;
            var s = k.ModInverse(N).Multiply(e.Add(d.Multiply(r))).Mod(N);
            if (s.SignValue == 0) continue;
            var recoveryId = (point.AffineYCoord.TestBitZero() ? 1 : 0) | (x.CompareTo(N) >= 0 ? 2 : 0);
            if (s.CompareTo(HalfN) > 0)
            {
                s = N.Subtract(s);
                recoveryId ^= 1;
            }
            var compact = new byte[64];
            To32Bytes(r).CopyTo(compact, 0);
            To32Bytes(s).CopyTo(compact, 32);
            return new RecoverableSignature(compact, recoveryId);
        }
    }

    public override byte[]? Recover(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> compact64, int recoveryId)
    {
        if (hash32.Length != 32) throw new ArgumentException("The message hash is 32 bytes.", nameof(hash32));
        if (compact64.Length != 64 || recoveryId is < 0 or > 3) return null;
        var r = new BigInteger(1, compact64[..32].ToArray());
        var s = new BigInteger(1, compact64[32..].ToArray());
        if (r.SignValue == 0 || r.CompareTo(N) >= 0 || s.SignValue == 0 || s.CompareTo(N) >= 0) return null;
        var x = (recoveryId & 2) != 0 ? r.Add(N) : r;
        if (x.CompareTo(Curve.Curve.Field.Characteristic) >= 0) return null;
        var encoded = new byte[33];
        encoded[0] = (byte)((recoveryId & 1) != 0 ? 3 : 2);
        To32Bytes(x).CopyTo(encoded, 1);
        ECPoint rPoint;
        try
        {
            rPoint = Curve.Curve.DecodePoint(encoded);
        }
        catch (ArgumentException)
        {
            return null; // x is not on the curve: the signature is not recoverable.
        }
        var e = MessageScalar(hash32);
        var rInverse = r.ModInverse(N);
        var u1 = N.Subtract(e).Multiply(rInverse).Mod(N);
        var u2 = s.Multiply(rInverse).Mod(N);
        var q = ECAlgorithms.SumOfTwoMultiplies(Curve.G, u1, rPoint, u2).Normalize();
        return q.IsInfinity ? null : q.GetEncoded(true);
    }

    public override bool Verify(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> compact64, ReadOnlySpan<byte> publicKey33)
    {
        if (hash32.Length != 32) throw new ArgumentException("The message hash is 32 bytes.", nameof(hash32));
        if (compact64.Length != 64 || publicKey33.Length != 33) return false;
        if (!IsLowS(compact64)) return false; // libsecp256k1 refuses high-S too.
        var r = new BigInteger(1, compact64[..32].ToArray());
        var s = new BigInteger(1, compact64[32..].ToArray());
        if (r.SignValue == 0 || r.CompareTo(N) >= 0 || s.SignValue == 0 || s.CompareTo(N) >= 0) return false;
        ECPoint q;
        try
        {
            q = Curve.Curve.DecodePoint(publicKey33.ToArray());
        }
        catch (ArgumentException)
        {
            return false;
        }
        var e = MessageScalar(hash32);
        var sInverse = s.ModInverse(N);
        var point = ECAlgorithms.SumOfTwoMultiplies(Curve.G, e.Multiply(sInverse).Mod(N), q, r.Multiply(sInverse).Mod(N)).Normalize();
        return !point.IsInfinity && point.AffineXCoord.ToBigInteger().Mod(N).Equals(r);
    }

    private BigInteger SecretScalar(ReadOnlySpan<byte> secretKey)
    {
        if (!IsValidSecretKey(secretKey)) throw new ArgumentException("A secret key is 32 bytes in [1, n-1].", nameof(secretKey));
        return new BigInteger(1, secretKey.ToArray());
    }

    private static BigInteger MessageScalar(ReadOnlySpan<byte> hash32)
    {
        if (hash32.Length != 32) throw new ArgumentException("The message hash is 32 bytes.", nameof(hash32));
        return new BigInteger(1, hash32.ToArray()).Mod(N);
    }

    private static byte[] To32Bytes(BigInteger value)
    {
        var bytes = value.ToByteArrayUnsigned();
        if (bytes.Length == 32) return bytes;
        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return padded;
    }
}
