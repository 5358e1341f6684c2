using System.Text;
using FsCheck;
using FsCheck.Fluent;
using L402Train.L402.Macaroons;
using Xunit;

namespace L402Train.L402.Tests.Macaroons;

public sealed class MacaroonDecodeTests
{
    private static readonly byte[] ThirdPartyVid = MacaroonBase64.Decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA027FAuBYhtHwJ58FX6UlVNFtFsGxQHS7uD_w_dedwv4Jjw7UorCREw5rXbRqIKhr");

    private static byte[] Field(int type, byte[] data) => [(byte)type, (byte)data.Length, .. data];

    private static byte[] Field(int type, string data) => Field(type, Encoding.ASCII.GetBytes(data));

    private static byte[] GoMacaroonRoundTripBytes() =>
    [
        2,
        .. Field(1, "http://mybank/"), .. Field(2, "we used our other secret key"), 0,
        .. Field(2, "account = 3735928559"), 0,
        .. Field(1, "http://auth.mybank/"), .. Field(2, "this was how we remind auth of key/pred"), .. Field(4, ThirdPartyVid), 0,
        0,
        .. Field(6, Convert.FromHexString("d27db2fd1f22760e4c3dae8137e2d8fc1df6c0741c18aed4b97256bf78d1f55c")),
    ];

    [Fact]
    public void Parses_the_go_macaroon_third_party_round_trip_and_re_encodes_it_identically()
    {
        var bytes = GoMacaroonRoundTripBytes();
        var m = Macaroon.FromBinary(bytes);
        Assert.Equal("http://mybank/", m.Location);
        Assert.Equal(2, m.Caveats.Count);
        Assert.False(m.Caveats[0].IsThirdParty);
        Assert.True(m.Caveats[1].IsThirdParty);
        Assert.Equal("http://auth.mybank/", m.Caveats[1].Location);
        Assert.Equal(72, m.Caveats[1].VerificationId!.Value.Length);
        Assert.Equal(bytes, m.ToBinary());
    }

    [Fact]
    public void A_macaroon_with_a_third_party_caveat_never_verifies()
    {
        var m = Macaroon.FromBinary(GoMacaroonRoundTripBytes());
        Assert.False(m.VerifySignature(Encoding.ASCII.GetBytes("this is a different super-secret key; never use the same secret twice")));
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "empty", [] },
        { "v1 text", Encoding.ASCII.GetBytes("0024location http://mybank/\n") },
        { "unknown version", [3, .. Field(2, "id"), 0, 0, .. Field(6, new byte[32])] },
        { "header fields out of order", [2, .. Field(2, "id"), .. Field(1, "loc"), 0, 0, .. Field(6, new byte[32])] },
        { "duplicate identifier", [2, .. Field(2, "id"), .. Field(2, "id"), 0, 0, .. Field(6, new byte[32])] },
        { "no identifier", [2, .. Field(1, "loc"), 0, 0, .. Field(6, new byte[32])] },
        { "caveat fields out of order", [2, .. Field(2, "id"), 0, .. Field(4, "vid"), .. Field(2, "cav"), 0, 0, .. Field(6, new byte[32])] },
        { "first-party caveat with location", [2, .. Field(2, "id"), 0, .. Field(1, "loc"), .. Field(2, "cav"), 0, 0, .. Field(6, new byte[32])] },
        { "caveat without identifier", [2, .. Field(2, "id"), 0, .. Field(4, "vid"), 0, 0, .. Field(6, new byte[32])] },
        { "31-byte signature", [2, .. Field(2, "id"), 0, 0, .. Field(6, new byte[31])] },
        { "33-byte signature", [2, .. Field(2, "id"), 0, 0, .. Field(6, new byte[33])] },
        { "no signature", [2, .. Field(2, "id"), 0, 0] },
        { "wrong final field", [2, .. Field(2, "id"), 0, 0, .. Field(4, new byte[32])] },
        { "trailing bytes", [2, .. Field(2, "id"), 0, 0, .. Field(6, new byte[32]), 0] },
        { "truncated varint", [2, 0x82] },
        { "truncated length varint", [2, 2, 0xff] },
        { "varint over 2^31", [2, 2, 0xff, 0xff, 0xff, 0xff, 0x0f] },
        { "length past end", [2, 2, 40, 1, 2, 3] },
        { "unknown field type", [2, .. Field(3, "x"), 0, 0, .. Field(6, new byte[32])] },
        { "truncated before caveats end", [2, .. Field(2, "id"), 0, .. Field(2, "cav")] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Refuses_malformed_binary(string why, byte[] bytes)
    {
        var e = Assert.Throws<MacaroonFormatException>(() => Macaroon.FromBinary(bytes));
        Assert.False(string.IsNullOrEmpty(e.Message), why);
    }

    [Theory]
    [InlineData("")]
    [InlineData("====")]
    [InlineData("AgE=A")]
    [InlineData("Ag E=")]
    [InlineData("AgE+_A")]
    [InlineData("A")]
    [InlineData("AgE===")]
    [InlineData("Ag\u00e9=")]
    [InlineData("not-a-macaroon")]
    [InlineData("notamacaroon0n")]
    [InlineData("AgE_A")]
    public void Refuses_malformed_base64(string text) =>
        Assert.False(MacaroonBase64.TryDecode(text, out _, out _));

    [Fact]
    public void Every_base64_variant_of_any_bytes_decodes_to_those_bytes()
    {
        var random = new Random(402);
        for (var length = 1; length < 200; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            var std = Convert.ToBase64String(bytes);
            var url = MacaroonBase64.EncodeUrlSafe(bytes);
            foreach (var text in new[] { std, std.TrimEnd('='), url, url + new string('=', (4 - (url.Length % 4)) % 4) })
                Assert.Equal(bytes, MacaroonBase64.Decode(text));
        }
    }

    [Fact]
    public void Any_string_over_the_base64_alphabets_decodes_or_is_refused_without_throwing()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=";
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            if (MacaroonBase64.TryDecode(text, out var bytes, out _))
                Assert.NotNull(bytes);
            Assert.False(Macaroon.TryFromBase64(text, out _, out _) && text.Length < 8, text);
        }
    }

    [Fact]
    public void Accepts_all_four_base64_variants_of_one_macaroon()
    {
        var m = Macaroon.Mint(new byte[32], new byte[66]).WithFirstPartyCaveat("services=l402train:0");
        var std = m.ToBase64();
        var url = m.ToBase64Url();
        foreach (var text in new[] { std, std.TrimEnd('='), url, url + new string('=', (4 - (url.Length % 4)) % 4) })
            Assert.Equal(m.ToBinary(), Macaroon.FromBase64(text).ToBinary());
    }

    [Fact]
    public void Encode_then_decode_is_the_identity_for_any_first_party_macaroon()
    {
        var gen =
            from key in ArbMap.Default.GeneratorFor<byte[]>()
            from id in ArbMap.Default.GeneratorFor<byte[]>().Where(b => b.Length > 0)
            from caveats in Gen.ListOf(ArbMap.Default.GeneratorFor<byte[]>().Where(b => b.Length > 0))
            from location in Gen.Elements<string?>(null, "l402train", "http://example.org/")
            select (key, id, caveats, location);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var m = Macaroon.Mint(t.key, t.id, t.location);
            foreach (var c in t.caveats) m = m.WithFirstPartyCaveat(c);
            var back = Macaroon.FromBase64(m.ToBase64Url());
            return back.ToBinary().AsSpan().SequenceEqual(m.ToBinary()) && back.VerifySignature(t.key);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Arbitrary_bytes_either_decode_or_throw_a_format_exception()
    {
        var valid = Macaroon.Mint(new byte[32], new byte[66]).WithFirstPartyCaveat("a=b").ToBinary();
        var gen =
            from flips in Gen.ListOf(Gen.Zip(Gen.Choose(0, valid.Length - 1), Gen.Choose(0, 255)))
            from cut in Gen.Choose(0, valid.Length)
            select (flips, cut);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var bytes = valid[..t.cut];
            foreach (var (at, value) in t.flips)
            {
                if (at < bytes.Length) bytes[at] = (byte)value;
            }
            try
            {
                Macaroon.FromBinary(bytes);
            }
            catch (MacaroonFormatException)
            {
            }
        }).QuickCheckThrowOnFailure();
    }
}
