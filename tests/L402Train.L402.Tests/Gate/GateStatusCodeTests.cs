using System.Net;
using System.Text.Json;
using L402Train.L402.Challenges;
using L402Train.L402.Macaroons;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using Xunit;

namespace L402Train.L402.Tests.Gate;

public sealed class GateStatusCodeTests : IAsyncLifetime
{
    private GateHost host = null!;
    private HttpClient http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        host = await GateHost.StartAsync();
        http = host.PlainClient();
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await host.DisposeAsync();
    }

    private async Task<(L402Challenge Challenge, Macaroon Macaroon, TokenIdentifier Id)> ChallengeAsync(string path)
    {
        using var response = await http.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var challenge = Assert.Single(L402Challenge.ParseAll(response.Headers.GetValues("WWW-Authenticate")));
        var macaroon = Macaroon.FromBase64(challenge.Macaroon);
        return (challenge, macaroon, TokenIdentifier.Decode(macaroon.Identifier.Span));
    }

    private async Task<Preimage> PayAsync(string invoice)
    {
        var payment = await host.Peer.PayAsync(new PaymentRequest(invoice, new MilliSats(10_000), TimeSpan.FromSeconds(30)), Ct);
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        return payment.Preimage!.Value;
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string authorization, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await http.SendAsync(request, Ct);
    }

    private async Task<string> PaidCredentialAsync(string path)
    {
        var (challenge, _, _) = await ChallengeAsync(path);
        return $"L402 {challenge.Macaroon}:{(await PayAsync(challenge.Invoice)).ToHex()}";
    }

    [Fact]
    public async Task No_credential_gets_a_402_challenge_bound_to_its_invoice()
    {
        using var response = await http.GetAsync("/checkpoint?round=7", Ct);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var header = Assert.Single(response.Headers.GetValues("WWW-Authenticate"));
        Assert.Matches("^L402 macaroon=\"[A-Za-z0-9+/]+={0,2}\", invoice=\"lnbcrt[a-z0-9]+\"$", header);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        var challenge = L402Challenge.ParseAll(header)[0];
        Assert.Equal(challenge.Macaroon, body.GetProperty("macaroon").GetString());
        Assert.Equal(challenge.Invoice, body.GetProperty("invoice").GetString());
        Assert.Equal(10, body.GetProperty("amount_sats").GetInt64());
        Assert.Equal("standard", body.GetProperty("mode").GetString());
        Assert.Equal(402, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        Assert.True(DateTimeOffset.TryParse(body.GetProperty("expires_at").GetString(), out _));

        var id = TokenIdentifier.Decode(Macaroon.FromBase64(challenge.Macaroon).Identifier.Span);
        var invoice = await host.Coordinator.DecodeAsync(challenge.Invoice, Ct);
        Assert.Equal(invoice.Hash, id.PaymentHash);
        Assert.Equal(id.PaymentHash.ToHex(), body.GetProperty("payment_hash").GetString());
        Assert.Equal(new Sats(10).ToMilliSats(), invoice.Amount);
        Assert.Equal(
            ["services=l402train:0", "l402train_capabilities=checkpoint", $"l402train_valid_until={host.Time.GetUtcNow().AddHours(1).ToUnixTimeSeconds()}", "round=7"],
            Macaroon.FromBase64(challenge.Macaroon).Caveats.Select(c => c.ToString()));
    }

    [Fact]
    public async Task A_paid_token_is_accepted_in_every_credential_form_and_the_handler_sees_it()
    {
        var (challenge, macaroon, id) = await ChallengeAsync("/checkpoint?round=7");
        var preimage = await PayAsync(challenge.Invoice);
        foreach (var authorization in new[]
        {
            $"L402 {macaroon.ToBase64()}:{preimage.ToHex()}",
            $"LSAT {macaroon.ToBase64Url()}:{preimage.ToHex().ToUpperInvariant()}",
            $"l402   {macaroon.ToBase64().TrimEnd('=')}:{preimage.ToHex()}",
        })
        {
            using var response = await SendAsync("/checkpoint?round=7", authorization);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.Equal(id.PaymentHash.ToHex(), body.GetProperty("payment_hash").GetString());
            Assert.Equal(id.TokenId.ToHex(), body.GetProperty("token_id").GetString());
        }
    }

    [Fact]
    public async Task A_free_endpoint_stays_free()
    {
        Assert.Equal("free", await http.GetStringAsync("/free", Ct));
    }

    [Fact]
    public async Task A_tampered_caveat_gets_402()
    {
        var (challenge, macaroon, _) = await ChallengeAsync("/checkpoint?round=7");
        var preimage = await PayAsync(challenge.Invoice);
        var caveats = macaroon.Caveats.Select(c => c.ToString() == "round=7" ? new MacaroonCaveat("round=8"u8.ToArray()) : c);
        var forged = new Macaroon(macaroon.Location, macaroon.Identifier.ToArray(), caveats, macaroon.Signature.ToArray());
        using var response = await SendAsync("/checkpoint?round=8", L402Credential.Format(forged, preimage));
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("signature", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_token_signed_with_another_key_gets_402()
    {
        var preimage = Preimage.Random();
        var other = new L402Train.L402.Gate.L402Gate(host.Coordinator, new RootKeyRing(new ServerSecret(host.Keys.Current.KeyId, new byte[32])),
            host.Gate.Options, host.Time, new InMemoryTokenRevocationList(), new InMemoryHoldTokenRegistry());
        var forged = other.MintMacaroon(preimage.Hash, host.Keys.NewTokenId(), "checkpoint", L402Train.L402.Gate.L402Mode.Standard, [KeyValuePair.Create("round", "7")], host.Time.GetUtcNow().AddHours(1));
        using var response = await SendAsync("/checkpoint?round=7", L402Credential.Format(forged, preimage));
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_token_gets_402_with_a_fresh_challenge()
    {
        var credential = await PaidCredentialAsync("/checkpoint?round=7");
        using (var ok = await SendAsync("/checkpoint?round=7", credential)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        host.Time.Advance(TimeSpan.FromHours(1));
        using var response = await SendAsync("/checkpoint?round=7", credential);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync(Ct));
        Assert.Single(L402Challenge.ParseAll(response.Headers.GetValues("WWW-Authenticate")));
    }

    [Fact]
    public async Task A_token_for_another_service_gets_402()
    {
        var preimage = Preimage.Random();
        var options = new L402Train.L402.Gate.L402GateOptions { ServiceName = "other" };
        var other = new L402Train.L402.Gate.L402Gate(host.Coordinator, host.Keys, options, host.Time, new InMemoryTokenRevocationList(), new InMemoryHoldTokenRegistry());
        var token = other.MintMacaroon(preimage.Hash, host.Keys.NewTokenId(), "checkpoint", L402Train.L402.Gate.L402Mode.Standard, [KeyValuePair.Create("round", "7")], host.Time.GetUtcNow().AddHours(1));
        using var response = await SendAsync("/checkpoint?round=7", L402Credential.Format(token, preimage));
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    [Fact]
    public async Task A_token_for_another_capability_gets_402()
    {
        var credential = await PaidCredentialAsync("/bounty");
        using (var ok = await SendAsync("/bounty", credential)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var response = await SendAsync("/checkpoint?round=7", credential);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("capability", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_token_for_another_scope_gets_402()
    {
        var credential = await PaidCredentialAsync("/checkpoint?round=7");
        using (var ok = await SendAsync("/checkpoint?round=7", credential)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var response = await SendAsync("/checkpoint?round=8", credential);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("round=7", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_preimage_of_another_invoice_gets_402()
    {
        var (challenge, _, _) = await ChallengeAsync("/checkpoint?round=7");
        var (otherChallenge, _, _) = await ChallengeAsync("/checkpoint?round=7");
        var otherPreimage = await PayAsync(otherChallenge.Invoice);
        using var response = await SendAsync("/checkpoint?round=7", $"L402 {challenge.Macaroon}:{otherPreimage.ToHex()}");
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("preimage", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_standard_token_without_preimage_gets_402()
    {
        var (challenge, _, _) = await ChallengeAsync("/checkpoint?round=7");
        using var response = await SendAsync("/checkpoint?round=7", $"L402 {challenge.Macaroon}:");
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    [Fact]
    public async Task A_revoked_token_gets_402_even_after_it_was_accepted_and_remembered()
    {
        var credential = await PaidCredentialAsync("/checkpoint?round=7");
        using (var ok = await SendAsync("/checkpoint?round=7", credential)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var id = TokenIdentifier.Decode(L402Credential.Parse(credential).Credential!.Macaroons[0].Identifier.Span);
        await host.Revocations.RevokeAsync(id.TokenId, Ct);
        using var response = await SendAsync("/checkpoint?round=7", credential);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("revoked", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_token_from_a_retired_secret_gets_402()
    {
        var retired = RootKeyRing.CreateRandom(keyId: 99);
        var other = new L402Train.L402.Gate.L402Gate(host.Coordinator, retired, host.Gate.Options, host.Time, new InMemoryTokenRevocationList(), new InMemoryHoldTokenRegistry());
        var preimage = Preimage.Random();
        var token = other.MintMacaroon(preimage.Hash, retired.NewTokenId(), "checkpoint", L402Train.L402.Gate.L402Mode.Standard, [KeyValuePair.Create("round", "7")], host.Time.GetUtcNow().AddHours(1));
        using var response = await SendAsync("/checkpoint?round=7", L402Credential.Format(token, preimage));
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    public static TheoryData<string, string> MalformedHeaders => new()
    {
        { "non-hex preimage", "L402 {mac}:" + new string('z', 64) },
        { "short preimage", "L402 {mac}:" + new string('a', 62) },
        { "malformed base64", "L402 Ag!E{mac}:" + new string('a', 64) },
        { "not a macaroon", "L402 AGIAJEemVQUTEyNCR0exk7ek90Cg==:" + new string('a', 64) },
        { "no colon", "L402 {mac}" },
        { "oversized", "L402 " + new string('A', 9000) + ":" + new string('a', 64) },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public async Task A_malformed_header_gets_400_problem_json(string why, string template)
    {
        var (challenge, _, _) = await ChallengeAsync("/checkpoint?round=7");
        using var response = await SendAsync("/checkpoint?round=7", template.Replace("{mac}", challenge.Macaroon, StringComparison.Ordinal));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, why);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_hold_token_pays_for_exactly_one_request_and_a_replay_gets_409()
    {
        using var first = await http.PutAsync("/gradient?round=7", new StringContent("g"), Ct);
        Assert.Equal(HttpStatusCode.PaymentRequired, first.StatusCode);
        var challenge = L402Challenge.ParseAll(first.Headers.GetValues("WWW-Authenticate"))[0];
        Assert.Contains("\"mode\":\"hold\"", await first.Content.ReadAsStringAsync(Ct));

        using (var unpaid = await SendAsync("/gradient?round=7", $"L402 {challenge.Macaroon}:", HttpMethod.Put))
            Assert.Equal(HttpStatusCode.PaymentRequired, unpaid.StatusCode);

        var deposit = host.Peer.SendPaymentAsync(new PaymentRequest(challenge.Invoice, new MilliSats(10_000), TimeSpan.FromSeconds(30)), Ct).GetAsyncEnumerator(Ct);
        Assert.True(await deposit.MoveNextAsync());
        Assert.Equal(PaymentStatus.InFlight, deposit.Current.Status);

        using (var accepted = await SendAsync("/gradient?round=7", $"L402 {challenge.Macaroon}:", HttpMethod.Put))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            Assert.Contains("\"mode\":\"Hold\"", await accepted.Content.ReadAsStringAsync(Ct));
        }
        using (var replay = await SendAsync("/gradient?round=7", $"L402 {challenge.Macaroon}:", HttpMethod.Put))
            Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);

        // The coordinator can settle the deposit later from the token id alone.
        var id = TokenIdentifier.Decode(Macaroon.FromBase64(challenge.Macaroon).Identifier.Span);
        await host.Coordinator.SettleInvoiceAsync(host.Keys.DeriveHoldPreimage(id.TokenId)!.Value, Ct);
        Assert.True(await deposit.MoveNextAsync());
        Assert.Equal(PaymentStatus.Succeeded, deposit.Current.Status);
        await deposit.DisposeAsync();

        using var afterSettle = await SendAsync("/gradient?round=7", $"L402 {challenge.Macaroon}:", HttpMethod.Put);
        Assert.Equal(HttpStatusCode.Conflict, afterSettle.StatusCode);
    }

    [Fact]
    public async Task A_standard_token_cannot_pay_a_hold_endpoint()
    {
        var credential = await PaidCredentialAsync("/checkpoint?round=7");
        using var response = await SendAsync("/gradient?round=7", credential, HttpMethod.Put);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    [Fact]
    public async Task Racing_replays_of_one_hold_token_let_exactly_one_through()
    {
        using var first = await http.PutAsync("/gradient?round=7", new StringContent("g"), Ct);
        var challenge = L402Challenge.ParseAll(first.Headers.GetValues("WWW-Authenticate"))[0];
        var deposit = host.Peer.SendPaymentAsync(new PaymentRequest(challenge.Invoice, new MilliSats(10_000), TimeSpan.FromSeconds(30)), Ct).GetAsyncEnumerator(Ct);
        Assert.True(await deposit.MoveNextAsync());
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var r = await SendAsync("/gradient?round=7", $"L402 {challenge.Macaroon}:", HttpMethod.Put);
            return r.StatusCode;
        }));
        Assert.Single(statuses, s => s == HttpStatusCode.Accepted);
        Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.Conflict));
        await deposit.DisposeAsync();
    }

    [Fact]
    public async Task Aperture_style_duplicate_lsat_and_l402_headers_are_accepted()
    {
        var credential = await PaidCredentialAsync("/checkpoint?round=7");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/checkpoint?round=7");
        request.Headers.TryAddWithoutValidation("Authorization", ["LSAT" + credential[4..], credential]);
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
