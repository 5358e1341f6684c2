using System.Security.Cryptography;
using L402Train.Lightning;
using L402Train.Lightning.Bolt11;
using L402Train.PeerAgent.Research;

namespace L402Train.Silo.Tests.Research;

public sealed class ResearchResultCheckTests
{
    private static readonly NodeKey Worker = NodeKey.Generate();

    private static ResearchResult Line(long invoiceSat = 5, long priceSat = 5, NodeKey? payee = null, Preimage? preimage = null)
    {
        var p = preimage ?? Preimage.Random();
        var invoice = Bolt11Invoice.Sign(new Bolt11Request("bcrt", p.Hash, RandomNumberGenerator.GetBytes(32), DateTimeOffset.UnixEpoch.AddYears(56))
        {
            Amount = new Sats(invoiceSat).ToMilliSats(),
            Description = "experiment",
        }, payee ?? Worker);
        return new ResearchResult("exp-1", "sha256:00", 1.5, null, "http://w/experiment", Worker.Id.ToHex(), Worker.Id.ToHex(), DateTimeOffset.UnixEpoch,
            p.Hash.ToHex(), p.ToHex(), invoice.PaymentRequest, priceSat, 1, "baseline", null, "completed");
    }

    [Fact]
    public void A_settled_line_for_the_probed_price_from_the_worker_node_verifies() => Assert.Empty(ResearchResultCheck.Problems(Line()));

    [Fact]
    public void A_preimage_that_does_not_hash_to_the_payment_hash_is_caught()
    {
        var line = Line() with { Preimage = Preimage.Random().ToHex() };
        Assert.Equal(["sha256(preimage) is not payment_hash"], ResearchResultCheck.Problems(line));
    }

    [Fact]
    public void An_invoice_for_more_than_the_probed_price_is_caught() =>
        Assert.Equal(["the invoice asks 6 sat, the probed price was 5 sat"], ResearchResultCheck.Problems(Line(invoiceSat: 6, priceSat: 5)));

    [Fact]
    public void An_invoice_signed_by_another_node_than_the_worker_is_caught() =>
        Assert.Equal(["the invoice is not signed by the worker's node key"], ResearchResultCheck.Problems(Line(payee: NodeKey.Generate())));

    [Fact]
    public void An_invoice_for_another_payment_and_a_garbled_one_are_caught()
    {
        var other = Line();
        var line = Line() with { Invoice = other.Invoice };
        Assert.Contains("the invoice's payment hash is not payment_hash", ResearchResultCheck.Problems(line));
        Assert.StartsWith("invoice is not a valid BOLT11", Assert.Single(ResearchResultCheck.Problems(Line() with { Invoice = "lnbcrt1garbage" })), StringComparison.Ordinal);
    }
}
