using System.Net;
using System.Text.Json;
using L402Train.L402.Challenges;
using L402Train.L402.Macaroons;
using L402Train.L402.Tokens;
using L402Train.Testing;
using Xunit;

namespace L402Train.L402.Tests.Gate;

/// <summary>Third-party L402 and Lightning clients (npm packages, run with node) against our running gate.</summary>
public sealed class ExternalClientTests : IAsyncLifetime
{
    private GateHost host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => host = await GateHost.StartAsync(TimeProvider.System.GetUtcNow());

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    private async Task<(string Header, L402Challenge Challenge, TokenIdentifier Id)> ChallengeAsync()
    {
        using var http = host.PlainClient();
        using var response = await http.GetAsync("/checkpoint?round=7", Ct);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var header = Assert.Single(response.Headers.GetValues("WWW-Authenticate"));
        var challenge = L402Challenge.ParseAll(header)[0];
        return (header, challenge, TokenIdentifier.Decode(Macaroon.FromBase64(challenge.Macaroon).Identifier.Span));
    }

    [Fact]
    public async Task Lsat_js_parses_our_challenge_and_its_payment_hash_is_our_identifiers()
    {
        var (header, _, id) = await ChallengeAsync();
        var output = await NodeScript.RunAsync("""
            const { Lsat, Identifier } = require('lsat-js');
            const header = require('fs').readFileSync(0, 'utf8');
            const lsat = Lsat.fromHeader(header);
            const id = Identifier.fromString(lsat.id);
            console.log(JSON.stringify({ invoiceHash: lsat.paymentHash, idHash: id.paymentHash.toString('hex'), tokenId: id.tokenId.toString('hex') }));
            """, header);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(id.PaymentHash.ToHex(), result.GetProperty("invoiceHash").GetString());
        Assert.Equal(id.PaymentHash.ToHex(), result.GetProperty("idHash").GetString());
        Assert.Equal(id.TokenId.ToHex(), result.GetProperty("tokenId").GetString());
    }

    [Fact]
    public async Task Alby_parse_l402_reads_our_challenge()
    {
        var (header, challenge, _) = await ChallengeAsync();
        var output = await NodeScript.RunAsync("""
            const { parseL402 } = require('@getalby/lightning-tools/402/l402');
            console.log(JSON.stringify(parseL402(require('fs').readFileSync(0, 'utf8'))));
            """, header);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(challenge.Macaroon, result.GetProperty("token").GetString());
        Assert.Equal(challenge.Invoice, result.GetProperty("invoice").GetString());
    }

    [Fact]
    public async Task Npm_bolt11_decodes_our_invoice_with_the_identifiers_hash_and_the_price()
    {
        var (_, challenge, id) = await ChallengeAsync();
        var output = await NodeScript.RunAsync("""
            const bolt11 = require('bolt11');
            const d = bolt11.decode(require('fs').readFileSync(0, 'utf8').trim());
            const tag = name => d.tags.find(t => t.tagName === name)?.data;
            console.log(JSON.stringify({ hash: tag('payment_hash'), sat: d.satoshis, payee: d.payeeNodeKey, network: d.network.bech32 }));
            """, challenge.Invoice);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(id.PaymentHash.ToHex(), result.GetProperty("hash").GetString());
        Assert.Equal(10, result.GetProperty("sat").GetInt64());
        Assert.Equal(host.Coordinator.Id.ToHex(), result.GetProperty("payee").GetString());
        Assert.Equal("bcrt", result.GetProperty("network").GetString());
    }

    [Fact]
    public async Task Npm_macaroon_verifies_our_macaroon_with_the_root_key_and_refuses_another()
    {
        var (_, challenge, id) = await ChallengeAsync();
        var rootKey = new byte[32];
        Assert.True(host.Keys.TryDeriveRootKey(id.TokenId, rootKey));
        var script = """
            const m = require('macaroon');
            const [b64, keyHex] = require('fs').readFileSync(0, 'utf8').trim().split(' ');
            const mac = m.importMacaroon(b64);
            const seen = [];
            try {
              mac.verify(Buffer.from(keyHex, 'hex'), c => { seen.push(c); return null; });
              console.log(JSON.stringify({ ok: true, caveats: seen }));
            } catch (e) {
              console.log(JSON.stringify({ ok: false, error: String(e) }));
            }
            """;
        var good = JsonDocument.Parse(await NodeScript.RunAsync(script, $"{challenge.Macaroon} {Convert.ToHexStringLower(rootKey)}")).RootElement;
        Assert.True(good.GetProperty("ok").GetBoolean());
        Assert.Contains("round=7", good.GetProperty("caveats").EnumerateArray().Select(c => c.GetString()));
        rootKey[0] ^= 1;
        var bad = JsonDocument.Parse(await NodeScript.RunAsync(script, $"{challenge.Macaroon} {Convert.ToHexStringLower(rootKey)}")).RootElement;
        Assert.False(bad.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Alby_fetch_with_l402_completes_a_paid_request_through_the_simnet_lnd_facade()
    {
        var output = await NodeScript.RunAsync("""
            const { fetchWithL402 } = require('@getalby/lightning-tools/402/l402');
            const [base, macaroon] = require('fs').readFileSync(0, 'utf8').trim().split(' ');
            // A WebLN-style wallet over LND's REST API (SendPaymentV2), served by the simnet facade.
            const wallet = {
              payInvoice: async ({ invoice }) => {
                const r = await fetch(base + '/simnet/peer/v2/router/send', {
                  method: 'POST',
                  headers: { 'content-type': 'application/json', 'Grpc-Metadata-macaroon': macaroon },
                  body: JSON.stringify({ payment_request: invoice, fee_limit_msat: '10000', timeout_seconds: 30 }),
                });
                const lines = (await r.text()).split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
                const done = lines.map(l => l.result).find(p => p && p.status === 'SUCCEEDED');
                if (!done) { console.error('wallet: HTTP ' + r.status + ' ' + JSON.stringify(lines)); throw new Error('payment failed'); }
                return { preimage: done.payment_preimage, fees_paid: Number(done.fee_msat) };
              },
            };
            (async () => {
              const res = await fetchWithL402(base + '/checkpoint?round=7', {}, { wallet });
              const body = await res.json();
              console.log(JSON.stringify({ status: res.status, paid: res.payment?.paid, preimage: res.payment?.preimage, body }));
            })().catch(e => { console.error(e); process.exit(1); });
            """, $"{host.BaseAddress.ToString().TrimEnd('/')} {host.Peer.MacaroonHex}");
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.True(result.GetProperty("paid").GetBoolean());
        var preimage = L402Train.Lightning.Preimage.FromHex(result.GetProperty("preimage").GetString()!);
        Assert.Equal(preimage.Hash.ToHex(), result.GetProperty("body").GetProperty("payment_hash").GetString());
    }
}
