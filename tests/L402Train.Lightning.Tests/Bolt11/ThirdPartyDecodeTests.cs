using System.Text.Json;
using L402Train.Lightning.Bolt11;
using L402Train.Testing;
using Xunit;

namespace L402Train.Lightning.Tests.Bolt11;

public sealed class ThirdPartyDecodeTests
{
    private const string Script = """
        const bolt11 = require('bolt11');
        const input = require('fs').readFileSync(0, 'utf8').trim().split('\n');
        const out = input.map(pr => {
          const d = bolt11.decode(pr);
          const tag = name => (d.tags.find(t => t.tagName === name) || {}).data;
          return { payee: d.payeeNodeKey, msat: d.millisatoshis, hash: tag('payment_hash'), secret: tag('payment_secret'),
                   memo: tag('description'), expiry: tag('expire_time'), cltv: tag('min_final_cltv_expiry'), ts: d.timestamp };
        });
        process.stdout.write(JSON.stringify(out));
        """;

    [Fact]
    public async Task Npm_bolt11_decodes_our_invoices_and_recovers_our_node_key()
    {
        var keys = Enumerable.Range(0, 4).Select(_ => NodeKey.Generate()).ToArray();
        var invoices = keys.Select((key, i) => Bolt11Invoice.Sign(
            new Bolt11Request("bcrt", Preimage.Random().Hash, Preimage.Random().Bytes.ToArray(), DateTimeOffset.FromUnixTimeSeconds(1_767_225_600 + i))
            {
                Amount = i == 3 ? null : new MilliSats(1000L * (i + 1) * 21 + (i == 2 ? 7 : 0)),
                Description = $"l402train gradient deposit #{i} ✓",
                Expiry = TimeSpan.FromSeconds(600 + i),
                MinFinalCltvExpiry = 80,
            }, key)).ToArray();

        var stdout = await NodeScript.RunAsync(Script, string.Join('\n', invoices.Select(i => i.PaymentRequest)));
        using var json = JsonDocument.Parse(stdout);
        var decoded = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(invoices.Length, decoded.Length);
        for (var i = 0; i < invoices.Length; i++)
        {
            var d = decoded[i];
            Assert.Equal(keys[i].Id.ToHex(), d.GetProperty("payee").GetString());
            Assert.Equal(invoices[i].PaymentHash.ToHex(), d.GetProperty("hash").GetString());
            Assert.Equal(Convert.ToHexStringLower(invoices[i].PaymentSecret.Span), d.GetProperty("secret").GetString());
            Assert.Equal(invoices[i].Description, d.GetProperty("memo").GetString());
            Assert.Equal((long)invoices[i].Expiry.TotalSeconds, d.GetProperty("expiry").GetInt64());
            Assert.Equal(80, d.GetProperty("cltv").GetInt32());
            Assert.Equal(invoices[i].Timestamp.ToUnixTimeSeconds(), d.GetProperty("ts").GetInt64());
            var msat = d.GetProperty("msat");
            if (invoices[i].Amount is { } amount) Assert.Equal(amount.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), msat.GetString());
            else Assert.Equal(JsonValueKind.Null, msat.ValueKind);
        }
    }
}
