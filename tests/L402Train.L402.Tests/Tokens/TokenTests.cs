using L402Train.L402.Tokens;
using L402Train.Lightning;
using Xunit;

namespace L402Train.L402.Tests.Tokens;

public sealed class TokenTests
{
    [Fact]
    public void Identifier_round_trips_through_its_66_byte_layout()
    {
        var id = new TokenIdentifier(Preimage.Random().Hash, RootKeyRing.CreateRandom().NewTokenId());
        var bytes = id.Encode();
        Assert.Equal(66, bytes.Length);
        Assert.Equal([0, 0], bytes[..2]);
        Assert.Equal(id, TokenIdentifier.Decode(bytes));
    }

    [Theory]
    [InlineData(65)]
    [InlineData(67)]
    [InlineData(1)]
    public void Identifier_of_the_wrong_length_is_refused(int length) =>
        Assert.False(TokenIdentifier.TryDecode(new byte[length], out _, out _));

    [Fact]
    public void Token_ids_carry_the_current_key_id_and_are_random()
    {
        var ring = new RootKeyRing([new ServerSecret(7, new byte[32]), new ServerSecret(9, new byte[32])], 9);
        var a = ring.NewTokenId();
        var b = ring.NewTokenId();
        Assert.Equal(9u, a.KeyId);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Rotation_keeps_old_tokens_verifiable_until_their_secret_leaves_the_ring()
    {
        var old = new ServerSecret(1, Enumerable.Repeat((byte)1, 32).ToArray());
        var fresh = new ServerSecret(2, Enumerable.Repeat((byte)2, 32).ToArray());
        var before = new RootKeyRing(old);
        var tokenId = before.NewTokenId();
        Span<byte> k1 = stackalloc byte[32];
        Span<byte> k2 = stackalloc byte[32];
        Assert.True(before.TryDeriveRootKey(tokenId, k1));

        var rotated = new RootKeyRing([old, fresh], 2);
        Assert.True(rotated.TryDeriveRootKey(tokenId, k2));
        Assert.True(k1.SequenceEqual(k2));
        Assert.Equal(2u, rotated.NewTokenId().KeyId);

        var retired = new RootKeyRing(fresh);
        Assert.False(retired.TryDeriveRootKey(tokenId, k2));
        Assert.Null(retired.DeriveHoldPreimage(tokenId));
    }

    [Fact]
    public void Root_keys_and_hold_preimages_differ_per_token_and_from_each_other()
    {
        var ring = RootKeyRing.CreateRandom();
        var a = ring.NewTokenId();
        var b = ring.NewTokenId();
        var ka = new byte[32];
        var kb = new byte[32];
        ring.TryDeriveRootKey(a, ka);
        ring.TryDeriveRootKey(b, kb);
        Assert.NotEqual(ka, kb);
        Assert.NotEqual(ka, ring.DeriveHoldPreimage(a)!.Value.Bytes.ToArray());
        Assert.Equal(ring.DeriveHoldPreimage(a), ring.DeriveHoldPreimage(a));
    }

    [Fact]
    public void Parses_configured_secrets_and_refuses_short_ones()
    {
        var s = ServerSecret.Parse("3:" + new string('a', 64));
        Assert.Equal(3u, s.KeyId);
        Assert.Throws<ArgumentException>(() => ServerSecret.Parse("3:abcd"));
        Assert.Throws<FormatException>(() => ServerSecret.Parse("abcd"));
    }

    [Fact]
    public async Task Hold_registry_lets_exactly_one_of_many_racing_callers_consume_a_token()
    {
        var registry = new InMemoryHoldTokenRegistry();
        var id = RootKeyRing.CreateRandom().NewTokenId();
        var hash = Preimage.Random().Hash;
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () => await registry.TryConsumeAsync(id, hash, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)));
        Assert.Single(results, r => r);
        Assert.True(await registry.IsConsumedAsync(id, TestContext.Current.CancellationToken));
    }
}
