using L402Train.L402.Challenges;
using L402Train.L402.Macaroons;
using Xunit;

namespace L402Train.L402.Tests.Challenges;

public sealed class CredentialParsingTests
{
    private static readonly Macaroon Mac = Macaroon.FromBase64(ChallengeParsingTests.Mac);
    private const string Hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    public static TheoryData<string> Accepted => new()
    {
        $"L402 {Mac.ToBase64()}:{Hex}",
        $"LSAT {Mac.ToBase64()}:{Hex}",
        $"l402 {Mac.ToBase64()}:{Hex}",
        $"lsat {Mac.ToBase64()}:{Hex}",
        $"L402    {Mac.ToBase64()}:{Hex}",
        $"L402 {Mac.ToBase64().TrimEnd('=')}:{Hex}",
        $"L402 {Mac.ToBase64Url()}:{Hex}",
        $"L402 {Mac.ToBase64Url()}=:{Hex}",
        $"L402 {Mac.ToBase64()}:{Hex.ToUpperInvariant()}",
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepts_every_credential_form(string header)
    {
        var result = L402Credential.Parse(header);
        Assert.Equal(CredentialParseStatus.Parsed, result.Status);
        Assert.Equal(Mac.ToBinary(), Assert.Single(result.Credential!.Macaroons).ToBinary());
        Assert.Equal(Hex, result.Credential.Preimage!.Value.ToHex());
    }

    [Fact]
    public void Accepts_comma_separated_macaroons()
    {
        var result = L402Credential.Parse($"L402 {Mac.ToBase64()},{Mac.ToBase64Url()}:{Hex}");
        Assert.Equal(2, result.Credential!.Macaroons.Count);
    }

    [Fact]
    public void A_macaroon_without_preimage_is_a_hold_credential()
    {
        var result = L402Credential.Parse($"L402 {Mac.ToBase64()}:");
        Assert.Equal(CredentialParseStatus.Parsed, result.Status);
        Assert.Null(result.Credential!.Preimage);
    }

    public static TheoryData<string, string> Rejected => new()
    {
        { "no colon", $"L402 {Mac.ToBase64()}" },
        { "two colons", $"L402 {Mac.ToBase64()}:{Hex}:{Hex}" },
        { "empty token", $"L402 :{Hex}" },
        { "empty token in list", $"L402 {Mac.ToBase64()},:{Hex}" },
        { "nothing after scheme", "L402 " },
        { "non-hex preimage", $"L402 {Mac.ToBase64()}:{Hex[..62]}zz" },
        { "short preimage", $"L402 {Mac.ToBase64()}:{Hex[..62]}" },
        { "long preimage", $"L402 {Mac.ToBase64()}:{Hex}00" },
        { "bad base64", $"L402 {Mac.ToBase64()[..10]}!{Mac.ToBase64()[11..]}:{Hex}" },
        { "mixed alphabets", $"L402 {Mac.ToBase64()[..10]}-+{Mac.ToBase64()[12..]}:{Hex}" },
        { "not a macaroon", $"L402 AGIAJEemVQUTEyNCR0exk7ek90Cg==:{Hex}" },
        { "truncated macaroon", $"L402 {Convert.ToBase64String(Mac.ToBinary()[..40])}:{Hex}" },
        { "oversized", $"L402 {new string('A', 9000)}:{Hex}" },
        { "too many macaroons", $"L402 {string.Join(',', Enumerable.Repeat(Mac.ToBase64(), 9))}:{Hex}" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Rejects_malformed_credentials_with_a_reason(string why, string header)
    {
        var result = L402Credential.Parse(header);
        Assert.True(result.Status == CredentialParseStatus.Malformed, why);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public void Other_schemes_are_no_credential(string? header) =>
        Assert.Equal(CredentialParseStatus.Absent, L402Credential.Parse(header).Status);

    [Fact]
    public void Identical_lsat_and_l402_copies_are_one_credential_but_different_ones_are_malformed()
    {
        var b64 = Mac.ToBase64();
        Assert.Equal(CredentialParseStatus.Parsed, L402Credential.Parse([$"LSAT {b64}:{Hex}", $"L402 {b64}:{Hex}"]).Status);
        Assert.Equal(CredentialParseStatus.Malformed, L402Credential.Parse([$"LSAT {b64}:{Hex}", $"L402 {b64}:{Hex[..63]}0"]).Status);
    }

    [Fact]
    public void Emits_standard_padded_base64_and_lowercase_hex()
    {
        var preimage = L402Train.Lightning.Preimage.FromHex(Hex.ToUpperInvariant());
        var header = L402Credential.Format(Mac, preimage);
        Assert.Matches("^L402 [A-Za-z0-9+/]+={0,2}:[0-9a-f]{64}$", header);
        Assert.Equal($"L402 {ChallengeParsingTests.Mac}:{Hex}", header);
    }
}
