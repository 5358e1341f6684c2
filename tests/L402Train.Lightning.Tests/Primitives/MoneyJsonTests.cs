using System.Text.Json;
using Xunit;

namespace L402Train.Lightning.Tests.Primitives;

/// <summary>
/// The money and hash types keep the JSON shape of the raw fields they replace (a number of sats,
/// lower-case hex), so stored state and queued jobs read the same before and after the types.
/// </summary>
public sealed class MoneyJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private sealed record Amounts(Sats Sat, MilliSats Msat, Sats? Maybe);

    private sealed record Hashes(PaymentHash Hash, Preimage Secret, PaymentHash? Claim);

    [Fact]
    public void Amounts_are_bare_json_numbers_both_ways()
    {
        var json = JsonSerializer.Serialize(new Amounts(new Sats(1_500), new MilliSats(1_500_123), null), Web);

        Assert.Equal("""{"sat":1500,"msat":1500123,"maybe":null}""", json);
        Assert.Equal(new Amounts(new Sats(1_500), new MilliSats(1_500_123), null), JsonSerializer.Deserialize<Amounts>(json, Web));
    }

    [Fact]
    public void Hashes_and_preimages_are_lower_case_hex_and_read_in_either_case()
    {
        var preimage = Preimage.FromHex(new string('a', 64));
        var json = JsonSerializer.Serialize(new Hashes(preimage.Hash, preimage, null), Web);

        Assert.Equal($$"""{"hash":"{{preimage.Hash.ToHex()}}","secret":"{{new string('a', 64)}}","claim":null}""", json);
        var upper = JsonSerializer.Deserialize<Hashes>(json.ToUpperInvariant().Replace("NULL", "null", StringComparison.Ordinal), Web)!;
        Assert.Equal(preimage.Hash, upper.Hash);
        Assert.True(upper.Hash.Matches(upper.Secret));
    }

    [Fact]
    public void An_unset_hash_is_null_and_reads_back_unset()
    {
        var json = JsonSerializer.Serialize(default(PaymentHash), Web);

        Assert.Equal("null", json);
        Assert.True(JsonSerializer.Deserialize<PaymentHash>(json, Web).Bytes.IsEmpty);
    }

    [Theory]
    [InlineData("""{"sat":-1,"msat":0}""", "-1")]
    [InlineData("""{"sat":1.5,"msat":0}""", "1.5")]
    [InlineData("""{"sat":"12","msat":0}""", "'12'")]
    [InlineData("""{"sat":2100000000000001,"msat":0}""", "2100000000000001")]
    [InlineData("""{"sat":0,"msat":-5}""", "-5")]
    public void A_bad_amount_is_a_json_exception_naming_the_value(string json, string named)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Amounts>(json, Web));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("satoshis", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"abc\"", "'abc'")]
    [InlineData("\"zz00000000000000000000000000000000000000000000000000000000000000\"", "'zz0000")]
    [InlineData("42", "the number 42")]
    [InlineData("\"\"", "''")]
    public void A_bad_hash_is_a_json_exception_naming_the_value(string value, string named)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<PaymentHash>(value, Web));
        var preimageError = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Preimage>(value, Web));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("payment hash", error.Message, StringComparison.Ordinal);
        Assert.Contains("preimage", preimageError.Message, StringComparison.Ordinal);
    }
}
