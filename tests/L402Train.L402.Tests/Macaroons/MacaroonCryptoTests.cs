using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using L402Train.L402.Macaroons;
using Xunit;

namespace L402Train.L402.Tests.Macaroons;

public sealed class MacaroonCryptoTests
{
    [Fact]
    public void Hmac_from_two_digests_equals_the_platform_hmac_for_any_key_and_message()
    {
        var sizes = Gen.Elements(0, 1, 31, 32, 55, 56, 63, 64, 65, 100, 511, 512, 513, 2000);
        var gen =
            from keyLength in sizes
            from messageLength in sizes
            from seed in ArbMap.Default.GeneratorFor<int>()
            select (keyLength, messageLength, seed);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var random = new Random(t.seed);
            var key = new byte[t.keyLength];
            var message = new byte[t.messageLength];
            random.NextBytes(key);
            random.NextBytes(message);
            var ours = new byte[32];
            MacaroonCrypto.Hmac(key, message, ours);
            return ours.AsSpan().SequenceEqual(HMACSHA256.HashData(key, message));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Hmac_with_precomputed_pads_equals_the_platform_hmac_and_reuses_its_key_safely()
    {
        var sizes = Gen.Elements(0, 1, 31, 32, 55, 56, 63, 64, 65, 100, 511, 512, 513, 2000);
        var gen =
            from keyLength in sizes
            from messageLength in sizes
            from seed in ArbMap.Default.GeneratorFor<int>()
            select (keyLength, messageLength, seed);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var random = new Random(t.seed);
            var key = new byte[t.keyLength];
            random.NextBytes(key);
            var hmac = new HmacKey(key);
            // Twice with different messages: the saved pad states must not absorb the first message.
            for (var i = 0; i < 2; i++)
            {
                var message = new byte[t.messageLength + i];
                random.NextBytes(message);
                var ours = new byte[32];
                hmac.Compute(message, ours);
                if (!ours.AsSpan().SequenceEqual(HMACSHA256.HashData(key, message))) return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
