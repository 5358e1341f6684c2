using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using L402Train.L402.Client;
using L402Train.L402.Gate;
using L402Train.L402.Tests.Gate;
using L402Train.Lightning;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace L402Train.L402.Tests.Client;

public sealed class PaymentHandlerTests : IAsyncLifetime
{
    private GateHost host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => host = await GateHost.StartAsync();

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    private sealed class ReceiptList : IPaymentReceiptSink
    {
        public List<L402PaymentReceipt> Receipts { get; } = [];

        public ValueTask RecordAsync(L402PaymentReceipt receipt, CancellationToken cancellationToken = default)
        {
            lock (Receipts) Receipts.Add(receipt);
            return ValueTask.CompletedTask;
        }
    }

    private (HttpClient Client, L402PaymentHandler Handler) Client(
        L402ClientOptions? options = null, IL402TokenStore? store = null, IPaymentReceiptSink? receipts = null, ILightningNode? wallet = null)
    {
        var handler = new L402PaymentHandler(wallet ?? host.Peer, options, store, receipts, host.Time) { InnerHandler = new SocketsHttpHandler() };
        return (new HttpClient(handler) { BaseAddress = host.BaseAddress }, handler);
    }

    [Fact]
    public async Task Buys_a_priced_endpoint_once_and_reuses_the_cached_token()
    {
        var receipts = new ReceiptList();
        var (client, handler) = Client(receipts: receipts);
        using (client)
        {
            var first = JsonDocument.Parse(await client.GetStringAsync("/checkpoint?round=7", Ct)).RootElement;
            var second = JsonDocument.Parse(await client.GetStringAsync("/checkpoint?round=7", Ct)).RootElement;
            Assert.Equal(first.GetProperty("token_id").GetString(), second.GetProperty("token_id").GetString());

            var receipt = Assert.Single(receipts.Receipts);
            Assert.Equal(new Sats(10).ToMilliSats(), receipt.Amount);
            Assert.Equal(PaymentStatus.Succeeded, receipt.Status);
            Assert.True(receipt.PaymentHash.Matches(receipt.Preimage!.Value));
            Assert.Equal(first.GetProperty("payment_hash").GetString(), receipt.PaymentHash.ToHex());
            Assert.Equal(new Sats(10).ToMilliSats(), handler.Ledger.Spent);
            var invoice = await host.Coordinator.LookupInvoiceAsync(receipt.PaymentHash, Ct);
            Assert.Equal(InvoiceState.Settled, invoice!.State);
        }
    }

    [Fact]
    public async Task Pays_again_when_the_cached_token_expired()
    {
        var receipts = new ReceiptList();
        var (client, _) = Client(receipts: receipts);
        using (client)
        {
            await client.GetStringAsync("/checkpoint?round=7", Ct);
            host.Time.Advance(TimeSpan.FromHours(2));
            await client.GetStringAsync("/checkpoint?round=7", Ct);
            Assert.Equal(2, receipts.Receipts.Count);
        }
    }

    [Fact]
    public async Task A_file_token_store_lets_a_restarted_client_reuse_its_token()
    {
        var path = Path.Combine(Path.GetTempPath(), $"l402-client-{Guid.NewGuid():N}.json");
        try
        {
            var receipts = new ReceiptList();
            var (a, _) = Client(store: new JsonFileL402TokenStore(path), receipts: receipts);
            using (a) await a.GetStringAsync("/checkpoint?round=7", Ct);
            var (b, _) = Client(store: new JsonFileL402TokenStore(path), receipts: receipts);
            using (b) await b.GetStringAsync("/checkpoint?round=7", Ct);
            Assert.Single(receipts.Receipts);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Refuses_an_invoice_over_the_per_request_budget_without_paying()
    {
        var (client, handler) = Client(new L402ClientOptions { Budget = new L402Budget(new Sats(100)) });
        using (client)
        {
            var e = await Assert.ThrowsAsync<L402PaymentRefusedException>(() => client.GetStringAsync("/priced?sats=200", Ct));
            Assert.Equal(L402Refusal.OverBudget, e.Reason);
            Assert.Equal(MilliSats.Zero, handler.Ledger.Spent);
            Assert.Equal(MilliSats.Zero, (await host.Peer.GetBalanceAsync(Ct)).PendingOutgoing);
        }
    }

    [Fact]
    public async Task Refuses_when_the_daily_budget_is_spent()
    {
        var (client, _) = Client(new L402ClientOptions { Budget = new L402Budget(null, PerDay: new Sats(50)), MaxFee = Sats.Zero });
        using (client)
        {
            await client.GetStringAsync("/priced?sats=45", Ct);
            var e = await Assert.ThrowsAsync<L402PaymentRefusedException>(() => client.GetStringAsync("/checkpoint?round=7", Ct));
            Assert.Equal(L402Refusal.OverBudget, e.Reason);
        }
    }

    [Fact]
    public async Task Refuses_an_amountless_invoice()
    {
        var (client, _) = Client();
        using (client)
        {
            var e = await Assert.ThrowsAsync<L402PaymentRefusedException>(() => client.GetStringAsync("/amountless", Ct));
            Assert.Equal(L402Refusal.Amountless, e.Reason);
        }
    }

    [Fact]
    public async Task Refuses_an_invoice_whose_hash_is_not_the_tokens()
    {
        var (client, _) = Client();
        using (client)
        {
            var e = await Assert.ThrowsAsync<L402PaymentRefusedException>(() => client.GetStringAsync("/mismatch", Ct));
            Assert.Equal(L402Refusal.HashMismatch, e.Reason);
        }
    }

    /// <summary>A wallet that lies about the preimage: a fault simnet cannot produce.</summary>
    private sealed class LyingWallet(ILightningNode inner) : ILightningNode
    {
        public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) => inner.GetInfoAsync(cancellationToken);
        public Task<ChannelBalance> GetBalanceAsync(CancellationToken cancellationToken = default) => inner.GetBalanceAsync(cancellationToken);
        public Task<Invoice> CreateInvoiceAsync(CreateInvoiceRequest request, CancellationToken cancellationToken = default) => inner.CreateInvoiceAsync(request, cancellationToken);
        public Task<Invoice> CreateHoldInvoiceAsync(CreateHoldInvoiceRequest request, CancellationToken cancellationToken = default) => inner.CreateHoldInvoiceAsync(request, cancellationToken);
        public Task SettleInvoiceAsync(Preimage preimage, CancellationToken cancellationToken = default) => inner.SettleInvoiceAsync(preimage, cancellationToken);
        public Task CancelInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default) => inner.CancelInvoiceAsync(hash, cancellationToken);
        public Task<Invoice?> LookupInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default) => inner.LookupInvoiceAsync(hash, cancellationToken);
        public Task<InvoicePage> ListInvoicesAsync(InvoiceQuery query, CancellationToken cancellationToken = default) => inner.ListInvoicesAsync(query, cancellationToken);
        public IAsyncEnumerable<Invoice> SubscribeInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default) => inner.SubscribeInvoiceAsync(hash, cancellationToken);
        public async IAsyncEnumerable<Payment> SendPaymentAsync(PaymentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var p in inner.SendPaymentAsync(request, cancellationToken)) yield return p;
        }
        public async Task<Payment> PayAsync(PaymentRequest request, CancellationToken cancellationToken = default) =>
            await inner.PayAsync(request, cancellationToken) with { Preimage = Preimage.Random() };
        public Task<Payment?> LookupPaymentAsync(PaymentHash hash, CancellationToken cancellationToken = default) => inner.LookupPaymentAsync(hash, cancellationToken);
        public Task<PaymentRequestDetails> DecodeAsync(string paymentRequest, CancellationToken cancellationToken = default) => inner.DecodeAsync(paymentRequest, cancellationToken);
    }

    [Fact]
    public async Task Refuses_a_preimage_that_does_not_hash_to_the_invoice()
    {
        var (client, _) = Client(wallet: new LyingWallet(host.Peer));
        using (client)
        {
            var e = await Assert.ThrowsAsync<L402PaymentRefusedException>(() => client.GetStringAsync("/checkpoint?round=7", Ct));
            Assert.Equal(L402Refusal.HashMismatch, e.Reason);
        }
    }

    [Fact]
    public async Task Hold_mode_locks_the_deposit_sends_the_macaroon_only_and_exposes_the_pending_payment()
    {
        var receipts = new ReceiptList();
        L402PendingPayment? fromCallback = null;
        var (client, handler) = Client(new L402ClientOptions { OnHoldPayment = (p, _) => { fromCallback = p; return ValueTask.CompletedTask; } }, receipts: receipts);
        using (client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/gradient?round=7") { Content = new StringContent("gradient bytes") };
            using var response = await client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.True(request.Options.TryGetValue(L402RequestOptions.PendingPayment, out var pending));
            Assert.Same(pending, fromCallback);
            Assert.False(pending.Completion.IsCompleted);
            Assert.Equal(InvoiceState.Accepted, (await host.Coordinator.LookupInvoiceAsync(pending.PaymentHash, Ct))!.State);
            Assert.EndsWith(":", request.Headers.Authorization!.Parameter);

            // A replay of the same credential is refused.
            using var replay = new HttpRequestMessage(HttpMethod.Put, "/gradient?round=7");
            replay.Headers.TryAddWithoutValidation("Authorization", $"L402 {request.Headers.Authorization!.Parameter}");
            using (var plain = host.PlainClient())
            using (var replayed = await plain.SendAsync(replay, Ct))
                Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);

            // The coordinator refunds: the payment fails back and the budget is released.
            await host.Coordinator.CancelInvoiceAsync(pending.PaymentHash, Ct);
            var final = await pending.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.Equal(PaymentStatus.Failed, final.Status);
            Assert.Equal(MilliSats.Zero, handler.Ledger.Spent);
            Assert.Equal([PaymentStatus.InFlight, PaymentStatus.Failed], receipts.Receipts.Select(r => r.Status));
            Assert.All(receipts.Receipts, r => Assert.Equal(L402Mode.Hold, r.Mode));
        }
    }

    [Fact]
    public async Task A_forfeited_hold_deposit_completes_with_the_preimage_and_is_charged()
    {
        var (client, handler) = Client();
        using (client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/gradient?round=7") { Content = new StringContent("g") };
            using var response = await client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            request.Options.TryGetValue(L402RequestOptions.PendingPayment, out var pending);
            var tokenId = L402Train.L402.Tokens.TokenIdentifier.Decode(
                L402Train.L402.Macaroons.Macaroon.FromBase64(request.Headers.Authorization!.Parameter!.TrimEnd(':')).Identifier.Span).TokenId;
            await host.Coordinator.SettleInvoiceAsync(host.Keys.DeriveHoldPreimage(tokenId)!.Value, Ct);
            var final = await pending!.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.Equal(PaymentStatus.Succeeded, final.Status);
            Assert.True(pending.PaymentHash.Matches(final.Preimage!.Value));
            Assert.Equal(new Sats(50).ToMilliSats(), handler.Ledger.Spent);
        }
    }

    [Fact]
    public async Task Registers_on_an_http_client_factory_with_one_budget_shared_by_all_handlers()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILightningNode>(host.Peer);
        services.AddSingleton<TimeProvider>(host.Time);
        services.AddHttpClient("coordinator", c => c.BaseAddress = host.BaseAddress)
            .AddL402Payments(new L402ClientOptions { Budget = new L402Budget(null, Total: new Sats(15)), MaxFee = Sats.Zero });
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        using (var first = factory.CreateClient("coordinator")) await first.GetStringAsync("/checkpoint?round=7", Ct);
        Assert.Equal(new Sats(10).ToMilliSats(), provider.GetRequiredService<BudgetLedger>().Spent);
        using var second = factory.CreateClient("coordinator");
        var e = await Assert.ThrowsAsync<L402PaymentRefusedException>(() => second.GetStringAsync("/bounty", Ct));
        Assert.Equal(L402Refusal.OverBudget, e.Reason);
    }
}
