using System.Net;
using System.Runtime.CompilerServices;
using L402Train.L402.Challenges;
using L402Train.Lightning;
using Xunit;

namespace L402Train.L402.Tests.Gate;

/// <summary>The coordinator's node failing (LND down): a fault simnet cannot produce, so a wrapper injects it.</summary>
public sealed class NodeFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class FailingNode(ILightningNode inner) : ILightningNode
    {
        public bool Down { get; set; }

        private T Check<T>(T value) => Down ? throw new LightningException("connection refused") : value;

        public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) => Check(inner.GetInfoAsync(cancellationToken));
        public Task<ChannelBalance> GetBalanceAsync(CancellationToken cancellationToken = default) => Check(inner.GetBalanceAsync(cancellationToken));
        public Task<Invoice> CreateInvoiceAsync(CreateInvoiceRequest request, CancellationToken cancellationToken = default) => Check(inner).CreateInvoiceAsync(request, cancellationToken);
        public Task<Invoice> CreateHoldInvoiceAsync(CreateHoldInvoiceRequest request, CancellationToken cancellationToken = default) => Check(inner).CreateHoldInvoiceAsync(request, cancellationToken);
        public Task SettleInvoiceAsync(Preimage preimage, CancellationToken cancellationToken = default) => Check(inner).SettleInvoiceAsync(preimage, cancellationToken);
        public Task CancelInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default) => Check(inner).CancelInvoiceAsync(hash, cancellationToken);
        public Task<Invoice?> LookupInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default) => Check(inner).LookupInvoiceAsync(hash, cancellationToken);
        public Task<InvoicePage> ListInvoicesAsync(InvoiceQuery query, CancellationToken cancellationToken = default) => Check(inner).ListInvoicesAsync(query, cancellationToken);
        public IAsyncEnumerable<Invoice> SubscribeInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default) => Check(inner).SubscribeInvoiceAsync(hash, cancellationToken);
        public async IAsyncEnumerable<Payment> SendPaymentAsync(PaymentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var p in Check(inner).SendPaymentAsync(request, cancellationToken)) yield return p;
        }
        public Task<Payment> PayAsync(PaymentRequest request, CancellationToken cancellationToken = default) => Check(inner).PayAsync(request, cancellationToken);
        public Task<Payment?> LookupPaymentAsync(PaymentHash hash, CancellationToken cancellationToken = default) => Check(inner).LookupPaymentAsync(hash, cancellationToken);
        public Task<PaymentRequestDetails> DecodeAsync(string paymentRequest, CancellationToken cancellationToken = default) => Check(inner).DecodeAsync(paymentRequest, cancellationToken);
    }

    [Fact]
    public async Task A_node_that_cannot_issue_invoices_gives_503_not_500()
    {
        FailingNode? node = null;
        await using var host = await GateHost.StartAsync(coordinator: c => node = new FailingNode(c));
        node!.Down = true;
        using var http = host.PlainClient();
        using var response = await http.GetAsync("/checkpoint?round=7", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_node_that_cannot_look_up_a_deposit_gives_503_and_keeps_the_token_unused()
    {
        FailingNode? node = null;
        await using var host = await GateHost.StartAsync(coordinator: c => node = new FailingNode(c));
        using var http = host.PlainClient();
        using var first = await http.PutAsync("/gradient?round=7", new StringContent("g"), Ct);
        var challenge = L402Challenge.ParseAll(first.Headers.GetValues("WWW-Authenticate"))[0];
        var deposit = host.Peer.SendPaymentAsync(new PaymentRequest(challenge.Invoice, new MilliSats(10_000), TimeSpan.FromSeconds(30)), Ct).GetAsyncEnumerator(Ct);
        Assert.True(await deposit.MoveNextAsync());

        node!.Down = true;
        using (var down = new HttpRequestMessage(HttpMethod.Put, "/gradient?round=7"))
        {
            down.Headers.TryAddWithoutValidation("Authorization", $"L402 {challenge.Macaroon}:");
            using var response = await http.SendAsync(down, Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        node.Down = false;
        using (var up = new HttpRequestMessage(HttpMethod.Put, "/gradient?round=7"))
        {
            up.Headers.TryAddWithoutValidation("Authorization", $"L402 {challenge.Macaroon}:");
            using var response = await http.SendAsync(up, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        await deposit.DisposeAsync();
    }
}
