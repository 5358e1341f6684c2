using System.Text;
using L402Train.Lightning.Secp256k1;
using L402Train.Lightning.Signing;
using Xunit;

namespace L402Train.Lightning.Tests.Signing;

/// <summary>LND's signmessage format: z-base-32 of a 65-byte recoverable signature over the prefixed double SHA-256.</summary>
public sealed class SignedMessageTests
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("{\"name\":\"worker\"}");

    [Fact]
    public void A_signature_recovers_the_signing_node_and_no_other_message_does()
    {
        var key = NodeKey.Generate();
        var signature = SignedMessage.Sign(key, Message);

        Assert.Equal(key.Id, SignedMessage.Recover(Message, signature));
        Assert.NotEqual(key.Id, SignedMessage.Recover(Encoding.UTF8.GetBytes("{\"name\":\"worker2\"}"), signature));
    }

    [Fact]
    public void Both_engines_read_the_same_signature()
    {
        var key = NodeKey.Generate();
        var signature = SignedMessage.Sign(key, Message);

        Assert.Equal(key.Id, SignedMessage.Recover(Message, signature, Secp256k1Engine.BouncyCastle));
        Assert.Equal(key.Id, SignedMessage.Recover(Message, signature, Secp256k1Engine.Default));
    }

    [Fact]
    public void The_signature_is_65_bytes_with_lnds_compressed_key_header()
    {
        Assert.True(ZBase32.TryDecode(SignedMessage.Sign(NodeKey.Generate(), Message), out var bytes));

        Assert.Equal(65, bytes.Length);
        Assert.InRange(bytes[0], 31, 34);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-zbase32!")]
    [InlineData("yyyy")]
    public void A_malformed_signature_recovers_nothing(string signature) =>
        Assert.Null(SignedMessage.Recover(Message, signature));

    [Fact]
    public void A_high_s_twin_of_a_valid_signature_is_refused()
    {
        var key = NodeKey.Generate();
        Assert.True(ZBase32.TryDecode(SignedMessage.Sign(key, Message), out var bytes));
        var twin = new byte[65];
        twin[0] = (byte)(bytes[0] ^ 1);
        Secp256k1Engine.NegateS(bytes.AsSpan(1)).CopyTo(twin, 1);

        Assert.Null(SignedMessage.Recover(Message, ZBase32.Encode(twin)));
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, "yy")]
    [InlineData(new byte[] { 0xFF }, "9h")]
    public void Z_base_32_uses_its_own_alphabet(byte[] data, string text) => Assert.Equal(text, ZBase32.Encode(data));

    [Fact]
    public void Z_base_32_round_trips_every_length()
    {
        var random = new Random(7);
        for (var length = 0; length < 80; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.True(ZBase32.TryDecode(ZBase32.Encode(data), out var back));
            Assert.Equal(data, back);
        }
    }
}
