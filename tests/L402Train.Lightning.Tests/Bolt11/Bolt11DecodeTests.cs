using L402Train.Lightning.Bolt11;
using Xunit;
using static L402Train.Lightning.Tests.Bolt11.SpecVectors;

namespace L402Train.Lightning.Tests.Bolt11;

public sealed class Bolt11DecodeTests
{
    [Fact]
    public void Donation_vector_decodes_with_signing_data_and_recovered_payee()
    {
        var invoice = Bolt11Invoice.Decode(Donation);
        Assert.Equal("bc", invoice.Currency);
        Assert.Null(invoice.Amount);
        Assert.Equal(Timestamp, invoice.Timestamp.ToUnixTimeSeconds());
        Assert.Equal(PaymentHashHex, invoice.PaymentHash.ToHex());
        Assert.Equal(PaymentSecret, Convert.ToHexStringLower(invoice.PaymentSecret.Span));
        Assert.Equal("Please consider supporting this project", invoice.Description);
        Assert.Equal(PayeeKey, invoice.Payee.ToHex());
        Assert.False(invoice.HasExplicitPayee);
        Assert.Equal(TimeSpan.FromSeconds(3600), invoice.Expiry);
        Assert.Equal(18, invoice.MinFinalCltvExpiry);
        Assert.Equal([8, 14], invoice.Features.Order());
        Assert.Equal(1, invoice.RecoveryId);
        Assert.Equal("8d3ce9e28357337f62da0162d9454df827f83cfe499aeb1c1db349d4d81127425e434ca29929406c23bba1ae8ac6ca32880b38d4bf6ff874024cac34ba9625f1",
            Convert.ToHexStringLower(invoice.Signature.Span));
        Assert.Equal("6c6e62630b25fe64500d04444444444444444444444444444444444444444444444444444444444444444021a00008101820283038404800081018202830384048000810182028303840480810343f506c6561736520636f6e736964657220737570706f7274696e6720746869732070726f6a6563740500e08000",
            Convert.ToHexStringLower(invoice.SigningData.Span));
        Assert.Equal("6daf4d488be41ce7cbb487cab1ef2975e5efcea879b20d421f0ef86b07cbb987", Convert.ToHexStringLower(invoice.SigningHash.Span));
    }

    [Fact]
    public void Coffee_vector_has_amount_expiry_and_signing_hash()
    {
        var invoice = Bolt11Invoice.Decode(Coffee);
        Assert.Equal(new MilliSats(250_000_000), invoice.Amount);
        Assert.Equal("1 cup coffee", invoice.Description);
        Assert.Equal(TimeSpan.FromSeconds(60), invoice.Expiry);
        Assert.Equal(PayeeKey, invoice.Payee.ToHex());
        Assert.Equal("6c6e626332353030750b25fe64500d04444444444444444444444444444444444444444444444444444444444444444021a000081018202830384048000810182028303840480008101820283038404808103414312063757020636f66666565030041e140382000",
            Convert.ToHexStringLower(invoice.SigningData.Span));
        Assert.Equal("047e24bf270b25d42a56d57b2578faa3a10684641bab817c2851a871cb41dbc0", Convert.ToHexStringLower(invoice.SigningHash.Span));
    }

    [Fact]
    public void Utf8_description_vector_decodes()
    {
        var invoice = Bolt11Invoice.Decode(Nonsense);
        Assert.Equal("ナンセンス 1杯", invoice.Description);
        Assert.Equal("f140d992ba419578ba9cfe1af85f92df90a76f442fb5e6e09b1f0582534ba87d", Convert.ToHexStringLower(invoice.SigningHash.Span));
        Assert.Equal(PayeeKey, invoice.Payee.ToHex());
    }

    [Fact]
    public void Hashed_description_vector_carries_h_and_no_d()
    {
        var invoice = Bolt11Invoice.Decode(HashedDescription);
        Assert.Equal(new MilliSats(2_000_000_000), invoice.Amount);
        Assert.Null(invoice.Description);
        Assert.Equal(ChocolateHash, invoice.DescriptionHashHex);
        Assert.Equal("e2ffa444e2979edb639fbdaa384638683ba1a5240b14dd7a150e45a04eea261d", Convert.ToHexStringLower(invoice.SigningHash.Span));
    }

    [Fact]
    public void Testnet_vector_has_p2pkh_fallback()
    {
        var invoice = Bolt11Invoice.Decode(TestnetP2pkh);
        Assert.Equal("tb", invoice.Currency);
        var fallback = Assert.Single(invoice.Fallbacks);
        Assert.Equal(17, fallback.Version);
        Assert.Equal(20, fallback.Program.Length);
        Assert.Equal(PayeeKey, invoice.Payee.ToHex());
    }

    [Fact]
    public void Pico_amount_vector_has_route_hint_expiry_and_cltv()
    {
        var invoice = Bolt11Invoice.Decode(PicoAmount);
        Assert.Equal(new MilliSats(967_878_534), invoice.Amount);
        Assert.Equal("462264ede7e14047e9b249da94fefc47f41f7d02ee9b091815a5506bc8abf75f", invoice.PaymentHash.ToHex());
        Assert.Equal(TimeSpan.FromSeconds(604800), invoice.Expiry);
        Assert.Equal(10, invoice.MinFinalCltvExpiry);
        Assert.Equal(1572468703, invoice.Timestamp.ToUnixTimeSeconds());
        var hop = Assert.Single(Assert.Single(invoice.RouteHints));
        Assert.Equal("03d06758583bb5154774a6eb221b1276c9e82d65bbaceca806d90e20c108f4b1c7", hop.NodeId.ToHex());
        Assert.Equal("589390x3312x1", hop.ShortChannelIdText);
        Assert.Equal(1000u, hop.FeeBaseMsat);
        Assert.Equal(2500u, hop.FeeProportionalMillionths);
        Assert.Equal((ushort)40, hop.CltvExpiryDelta);
        Assert.Equal(PayeeKey, invoice.Payee.ToHex());
    }

    [Fact]
    public void Two_hop_route_vector_decodes_both_hops()
    {
        var invoice = Bolt11Invoice.Decode(TwoHopRoute);
        var route = Assert.Single(invoice.RouteHints);
        Assert.Equal(2, route.Count);
        Assert.Equal("029e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255", route[0].NodeId.ToHex());
        Assert.Equal(0x0102030405060708UL, route[0].ShortChannelId);
        Assert.Equal(1u, route[0].FeeBaseMsat);
        Assert.Equal(20u, route[0].FeeProportionalMillionths);
        Assert.Equal((ushort)3, route[0].CltvExpiryDelta);
        Assert.Equal("039e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255", route[1].NodeId.ToHex());
        Assert.Equal(0x030405060708090aUL, route[1].ShortChannelId);
        Assert.Equal((ushort)4, route[1].CltvExpiryDelta);
        Assert.Equal(17, Assert.Single(invoice.Fallbacks).Version);
    }

    [Theory]
    [InlineData(P2sh, 18, 20)]
    [InlineData(P2wpkh, 0, 20)]
    [InlineData(P2wsh, 0, 32)]
    public void Fallback_vectors_decode_their_address_kind(string text, int version, int length)
    {
        var invoice = Bolt11Invoice.Decode(text);
        var fallback = Assert.Single(invoice.Fallbacks);
        Assert.Equal(version, fallback.Version);
        Assert.Equal(length, fallback.Program.Length);
        Assert.Equal(PayeeKey, invoice.Payee.ToHex());
    }

    [Theory]
    [InlineData(Features8_14_99)]
    [InlineData(Features8_14_99Upper)]
    public void Unknown_odd_feature_is_ignored_in_either_case(string text)
    {
        var invoice = Bolt11Invoice.Decode(text);
        Assert.Equal([8, 14, 99], invoice.Features.Order());
        Assert.Equal(new MilliSats(2_500_000_000), invoice.Amount);
        Assert.Equal("coffee beans", invoice.Description);
        Assert.Equal(Features8_14_99, invoice.PaymentRequest);
    }

    [Fact]
    public void Ignored_fields_vector_decodes_like_lnd_by_skipping_wrong_length_fields()
    {
        // Implementation-defined since bolts PR #1243; lnd (our production backend) skips them.
        var invoice = Bolt11Invoice.Decode(IgnoredFields);
        Assert.Equal(PaymentHashHex, invoice.PaymentHash.ToHex());
        Assert.Equal(PaymentSecret, Convert.ToHexStringLower(invoice.PaymentSecret.Span));
        Assert.Empty(invoice.Fallbacks);
        Assert.False(invoice.HasExplicitPayee);
        Assert.Equal(PayeeKey, invoice.Payee.ToHex());
    }

    [Fact]
    public void Metadata_vector_exposes_the_m_field()
    {
        var invoice = Bolt11Invoice.Decode(MetadataVector);
        Assert.Equal("01fafaf0", Convert.ToHexStringLower(invoice.Metadata!.Value.Span));
        Assert.Equal([8, 14, 48], invoice.Features.Order());
        Assert.Equal("payment metadata inside", invoice.Description);
    }

    [Fact]
    public void High_s_signature_still_recovers_the_payee_without_n()
    {
        var invoice = Bolt11Invoice.Decode(HighSRecovery);
        Assert.Equal(PayeeKey, invoice.Payee.ToHex());
    }

    [Theory]
    [MemberData(nameof(SpecVectors.Invalid), MemberType = typeof(SpecVectors))]
    public void Invalid_spec_vector_is_rejected(string name, string text)
    {
        var error = Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(text));
        Assert.False(string.IsNullOrWhiteSpace(error.Message), name);
        Assert.False(Bolt11Invoice.TryDecode(text, out _, out var reason));
        Assert.Equal(error.Message, reason);
    }

    [Fact]
    public void Both_engines_decode_every_valid_vector_to_the_spec_payee()
    {
        string[] all = [Donation, Coffee, Nonsense, HashedDescription, TestnetP2pkh, TwoHopRoute, P2sh, P2wpkh, P2wsh,
            PicoAmount, Features8_14_99, Features8_14_99Upper, IgnoredFields, MetadataVector, HighSRecovery];
        foreach (var text in all)
        {
            Assert.Equal(PayeeKey, Bolt11Invoice.Decode(text, L402Train.Lightning.Secp256k1.Secp256k1Engine.BouncyCastle).Payee.ToHex());
            Assert.Equal(PayeeKey, Bolt11Invoice.Decode(text).Payee.ToHex());
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("lnbc1")]
    [InlineData("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")]
    [InlineData("lnbc0100u1pvjluezsp5zyg3zyg3zyg3")]
    public void Junk_is_rejected_with_a_format_error(string text)
    {
        Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(text));
    }
}
