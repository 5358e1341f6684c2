using FsCheck;
using FsCheck.Fluent;
using L402Train.Lightning.Bolt11;
using Xunit;
using static L402Train.Lightning.Tests.Bolt11.SpecVectors;

namespace L402Train.Lightning.Tests.Bolt11;

public sealed class Bolt11EncodeTests
{
    private static readonly NodeKey SpecKey = NodeKey.FromHex(PrivateKey);

    private static Bolt11Request SpecRequest() => new("bc", L402Train.Lightning.PaymentHash.FromHex(PaymentHashHex),
        Convert.FromHexString(PaymentSecret), DateTimeOffset.FromUnixTimeSeconds(Timestamp));

    [Fact]
    public void Signing_the_donation_fields_reproduces_the_spec_string()
    {
        var invoice = Bolt11Invoice.Sign(SpecRequest() with { Description = "Please consider supporting this project" }, SpecKey);
        Assert.Equal(Donation, invoice.PaymentRequest);
    }

    [Fact]
    public void Signing_the_coffee_fields_reproduces_the_spec_string()
    {
        var request = SpecRequest() with { Amount = new MilliSats(250_000_000), Description = "1 cup coffee", Expiry = TimeSpan.FromSeconds(60) };
        Assert.Equal(Coffee, Bolt11Invoice.Sign(request, SpecKey).PaymentRequest);
        var nonsense = request with { Description = "ナンセンス 1杯" };
        Assert.Equal(Nonsense, Bolt11Invoice.Sign(nonsense, SpecKey).PaymentRequest);
    }

    [Fact]
    public void Signing_the_hashed_description_fields_reproduces_the_spec_string()
    {
        var request = SpecRequest() with { Amount = new MilliSats(2_000_000_000), DescriptionHash = Convert.FromHexString(ChocolateHash) };
        Assert.Equal(HashedDescription, Bolt11Invoice.Sign(request, SpecKey).PaymentRequest);
    }

    [Fact]
    public void Explicit_payee_key_is_verified_on_decode()
    {
        var invoice = Bolt11Invoice.Sign(SpecRequest() with { Description = "n", IncludePayeeNodeKey = true, Currency = "bcrt" }, SpecKey);
        var decoded = Bolt11Invoice.Decode(invoice.PaymentRequest);
        Assert.True(decoded.HasExplicitPayee);
        Assert.Equal(SpecKey.Id, decoded.Payee);
        Assert.StartsWith("lnbcrt1", decoded.PaymentRequest);
    }

    [Theory]
    [InlineData(1L, "10p")]
    [InlineData(100L, "1n")]
    [InlineData(250_000_000L, "2500u")]
    [InlineData(2_000_000_000L, "20m")]
    [InlineData(100_000_000_000L, "1")]
    [InlineData(967_878_534L, "9678785340p")]
    public void Amounts_use_the_shortest_exact_multiplier(long msat, string expected)
    {
        var invoice = Bolt11Invoice.Sign(SpecRequest() with { Amount = new MilliSats(msat), Description = "" }, SpecKey);
        Assert.StartsWith("lnbc" + expected + "1", invoice.PaymentRequest);
        Assert.Equal(new MilliSats(msat), Bolt11Invoice.Decode(invoice.PaymentRequest).Amount);
    }

    [Fact]
    public void Round_trip_preserves_every_field_for_random_invoices()
    {
        var key = NodeKey.Generate();
        var arb = (from amount in Gen.Choose(0, int.MaxValue)
                   from amountScale in Gen.Elements(1L, 1000L, 100_000L)
                   from seconds in Gen.Choose(0, int.MaxValue)
                   from hash in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 32)
                   from memo in ArbMap.Default.GeneratorFor<string>()
                   from expiry in Gen.Choose(0, 1_000_000)
                   from cltv in Gen.Choose(0, 10_000)
                   from currency in Gen.Elements("bc", "tb", "bcrt", "tbs")
                   select (amount, amountScale, seconds, hash, memo, expiry, cltv, currency)).ToArbitrary();
        Prop.ForAll(arb, t =>
        {
            var memo = (t.memo ?? "").Replace("\0", "", StringComparison.Ordinal);
            if (System.Text.Encoding.UTF8.GetByteCount(memo) > 600) memo = memo[..100];
            memo = new string(memo.Where(c => !char.IsSurrogate(c)).ToArray());
            var request = new Bolt11Request(t.currency, new PaymentHash(t.hash), t.hash.Reverse().ToArray(), DateTimeOffset.FromUnixTimeSeconds(t.seconds))
            {
                Amount = t.amount == 0 ? null : new MilliSats(t.amount * t.amountScale),
                Description = memo,
                Expiry = TimeSpan.FromSeconds(t.expiry),
                MinFinalCltvExpiry = t.cltv,
            };
            var decoded = Bolt11Invoice.Decode(Bolt11Invoice.Sign(request, key).PaymentRequest);
            return decoded.Amount == request.Amount
                && decoded.Currency == t.currency
                && decoded.Timestamp == request.Timestamp
                && decoded.PaymentHash == request.PaymentHash
                && decoded.PaymentSecret.Span.SequenceEqual(request.PaymentSecret.Span)
                && decoded.Description == memo
                && decoded.Expiry == request.Expiry
                && decoded.MinFinalCltvExpiry == t.cltv
                && decoded.Payee == key.Id;
        }).QuickCheckThrowOnFailure();
    }
}
