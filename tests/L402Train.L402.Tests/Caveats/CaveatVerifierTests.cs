using System.Text;
using L402Train.L402.Caveats;
using L402Train.L402.Challenges;
using Xunit;

namespace L402Train.L402.Tests.Caveats;

public sealed class CaveatVerifierTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static AccessRequest Request(string capability = "checkpoint", bool hold = false, params (string, string)[] scope) =>
        new("l402train", capability, hold, [.. scope.Select(p => KeyValuePair.Create(p.Item1, p.Item2))], Now);

    private static string? Verify(AccessRequest request, params string[] caveats) =>
        new CaveatVerifier().Verify([.. caveats.Select(c => Caveat.TryParse(c, out var p) ? p : throw new ArgumentException(c))], request);

    [Fact]
    public void Splits_on_the_first_equals_sign_only_and_never_trims()
    {
        Assert.True(Caveat.TryParse("expiration=1337=", out var c));
        Assert.Equal(("expiration", "1337="), (c.Condition, c.Value));
        Assert.True(Caveat.TryParse("account = 3", out c));
        Assert.Equal(("account ", " 3"), (c.Condition, c.Value));
        Assert.False(Caveat.TryParse("expiration:1337", out _));
        Assert.False(Caveat.TryParse("=x", out _));
    }

    [Fact]
    public void Accepts_a_minted_set_of_caveats()
    {
        Assert.Null(Verify(Request(scope: ("round", "7")),
            "services=l402train:0", "l402train_capabilities=checkpoint,gradient", "l402train_valid_until=1800000001", "round=7"));
    }

    [Fact]
    public void Services_must_name_the_service_and_may_only_narrow()
    {
        Assert.NotNull(Verify(Request(), "services=other:0"));
        Assert.Null(Verify(Request(), "services=l402train:0,other:1", "services=l402train:0"));
        Assert.NotNull(Verify(Request(), "services=l402train:0", "services=l402train:0,other:0"));
        Assert.NotNull(Verify(Request(), "services=l402train:x"));
        Assert.NotNull(Verify(Request(), "services=l402train:256"));
        Assert.NotNull(Verify(Request()));
    }

    [Fact]
    public void Capabilities_must_grant_the_capability_and_may_only_narrow()
    {
        Assert.Null(Verify(Request(), "services=l402train:0"));
        Assert.NotNull(Verify(Request(), "services=l402train:0", "l402train_capabilities=gradient"));
        Assert.NotNull(Verify(Request(), "services=l402train:0", "l402train_capabilities="));
        Assert.Null(Verify(Request(), "services=l402train:0", "l402train_capabilities=checkpoint,gradient", "l402train_capabilities=checkpoint"));
        Assert.NotNull(Verify(Request(), "services=l402train:0", "l402train_capabilities=checkpoint", "l402train_capabilities=checkpoint,gradient"));
    }

    [Fact]
    public void Valid_until_must_be_in_the_future_and_may_only_shorten()
    {
        Assert.Null(Verify(Request(), "services=l402train:0", "l402train_valid_until=1800000001"));
        Assert.Contains("expired", Verify(Request(), "services=l402train:0", "l402train_valid_until=1800000000"));
        Assert.NotNull(Verify(Request(), "services=l402train:0", "l402train_valid_until=1800000100", "l402train_valid_until=1800000200"));
        Assert.NotNull(Verify(Request(), "services=l402train:0", "l402train_valid_until=soon"));
    }

    [Fact]
    public void Scope_caveats_must_match_the_request_and_a_scoped_endpoint_needs_them()
    {
        Assert.NotNull(Verify(Request(scope: ("round", "8")), "services=l402train:0", "round=7"));
        Assert.NotNull(Verify(Request(scope: ("round", "7")), "services=l402train:0"));
        Assert.NotNull(Verify(Request(), "services=l402train:0", "round=7"));
        Assert.NotNull(Verify(Request(scope: ("round", "7")), "services=l402train:0", "round=7", "round=8"));
    }

    [Fact]
    public void Mode_hold_tokens_pay_only_hold_endpoints_and_hold_endpoints_need_them()
    {
        Assert.Null(Verify(Request(hold: true), "services=l402train:0", "mode=hold"));
        Assert.NotNull(Verify(Request(hold: true), "services=l402train:0"));
        Assert.NotNull(Verify(Request(hold: false), "services=l402train:0", "mode=hold"));
        Assert.NotNull(Verify(Request(hold: true), "services=l402train:0", "mode=standard"));
    }

    [Fact]
    public void Unknown_caveats_fail_closed()
    {
        Assert.Contains("Unknown caveat", Verify(Request(), "services=l402train:0", "ip=1.2.3.4"));
        Assert.NotNull(Verify(Request(), "services=l402train:0", "other_valid_until=1900000000"));
    }

    [Fact]
    public void Third_party_and_non_key_value_caveats_are_refused_when_read()
    {
        Assert.False(CaveatVerifier.TryReadCaveats([new(Encoding.UTF8.GetBytes("cid"), [1, 2, 3], "http://auth/")], out _, out _));
        Assert.False(CaveatVerifier.TryReadCaveats([new(Encoding.UTF8.GetBytes("time < 2020"))], out _, out _));
    }

    [Fact]
    public void The_end_to_end_vector_verifies_until_its_expiry()
    {
        var parsed = L402Credential.Parse("L402 AgJCAABjDc0pZsQzZpESVEi7sltP9BKknHMtssirwbhYG9cQ3RERERERERERERERERERERERERERERERERERERERERERAAIWc2VydmljZXM9Y29vcmRpbmF0b3I6MAACImNvb3JkaW5hdG9yX3ZhbGlkX3VudGlsPTE4OTM0NTYwMDAAAAYgPo0ugV6bnhMF0cUhnPn/PFn9eL+weMvxAoFkPWpYrEE=:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var credential = Assert.IsType<L402Credential>(parsed.Credential);
        var macaroon = Assert.Single(credential.Macaroons);
        Assert.True(macaroon.VerifySignature(Enumerable.Repeat((byte)0x22, 32).ToArray()));
        Assert.True(L402Train.L402.Tokens.TokenIdentifier.Decode(macaroon.Identifier.Span).PaymentHash.Matches(credential.Preimage!.Value));
        Assert.True(CaveatVerifier.TryReadCaveats(macaroon.Caveats, out var caveats, out _));
        var verifier = new CaveatVerifier();
        AccessRequest At(long unix) => new("coordinator", "any", false, [], DateTimeOffset.FromUnixTimeSeconds(unix));
        Assert.Null(verifier.Verify(caveats, At(1893455999)));
        Assert.Contains("expired", verifier.Verify(caveats, At(1893456000)));
    }
}
