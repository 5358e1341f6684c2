using System.Security.Cryptography;
using L402Train.Lightning.Secp256k1;
using Xunit;

namespace L402Train.Lightning.Tests.Secp256k1;

public sealed class EngineAgreementTests
{
    private static Secp256k1Engine NativeOrSkip()
    {
        if (Secp256k1Engine.Native is { } native) return native;
        if (L402Train.Testing.PostgresDatabase.IsCi) Assert.Fail("libsecp256k1.so.1 must be installed in CI (.ci/run installs libsecp256k1-1).");
        Assert.Skip("libsecp256k1.so.1 is not installed here.");
        return null!;
    }

    [Fact]
    public void Default_engine_is_native_when_the_library_is_installed()
    {
        var native = NativeOrSkip();
        Assert.Equal("libsecp256k1", native.Name);
        Assert.Same(native, Secp256k1Engine.Default);
    }

    [Fact]
    public void Native_and_BouncyCastle_produce_byte_identical_signatures_on_random_keys_and_messages()
    {
        var native = NativeOrSkip();
        var managed = Secp256k1Engine.BouncyCastle;
        for (var i = 0; i < 300; i++)
        {
            var key = RandomNumberGenerator.GetBytes(32);
            if (!native.IsValidSecretKey(key)) continue;
            // Every 10th message is all 0xFF so the hash exceeds n and must be reduced the same way.
            var hash = i % 10 == 0 ? Enumerable.Repeat((byte)0xFF, 32).ToArray() : RandomNumberGenerator.GetBytes(32);
            Assert.Equal(native.GetPublicKey(key), managed.GetPublicKey(key));
            var a = native.Sign(hash, key);
            var b = managed.Sign(hash, key);
            Assert.Equal(a.Compact, b.Compact);
            Assert.Equal(a.RecoveryId, b.RecoveryId);
            Assert.True(Secp256k1Engine.IsLowS(a.Compact));
            var pub = native.GetPublicKey(key);
            Assert.Equal(pub, native.Recover(hash, a.Compact, a.RecoveryId));
            Assert.Equal(pub, managed.Recover(hash, a.Compact, a.RecoveryId));
            Assert.True(native.Verify(hash, a.Compact, pub));
            Assert.True(managed.Verify(hash, a.Compact, pub));
        }
    }

    [Fact]
    public void Both_engines_refuse_high_s_on_verify_and_tampered_signatures()
    {
        var native = NativeOrSkip();
        var key = RandomNumberGenerator.GetBytes(32);
        var hash = RandomNumberGenerator.GetBytes(32);
        var pub = native.GetPublicKey(key);
        var sig = native.Sign(hash, key);
        var highS = Secp256k1Engine.NegateS(sig.Compact);
        Assert.False(Secp256k1Engine.IsLowS(highS));
        foreach (var engine in new[] { native, Secp256k1Engine.BouncyCastle })
        {
            Assert.False(engine.Verify(hash, highS, pub));
            var tampered = sig.Compact.ToArray();
            tampered[5] ^= 1;
            Assert.False(engine.Verify(hash, tampered, pub));
            Assert.NotEqual(pub, engine.Recover(hash, tampered, sig.RecoveryId));
            Assert.Null(engine.Recover(hash, new byte[64], 0));
        }
    }

    [Fact]
    public void Known_key_gives_the_spec_public_key_on_both_engines()
    {
        var secret = Convert.FromHexString("e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734");
        const string expected = "03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad";
        Assert.Equal(expected, Convert.ToHexStringLower(Secp256k1Engine.BouncyCastle.GetPublicKey(secret)));
        Assert.Equal(expected, Convert.ToHexStringLower(Secp256k1Engine.Default.GetPublicKey(secret)));
        Assert.False(Secp256k1Engine.BouncyCastle.IsValidSecretKey(new byte[32]));
        Assert.False(Secp256k1Engine.Default.IsValidSecretKey(Convert.FromHexString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")));
    }
}
