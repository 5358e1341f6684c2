using L402Train.Lightning.Bolt11;

namespace L402Train.Lightning.Simnet;

/// <summary>One node of a <see cref="SimnetNetwork"/>, seen through <see cref="ILightningNode"/>.</summary>
/// <remarks>
/// Payments resolve synchronously inside the network, so <see cref="PaymentRequest.Timeout"/>
/// never fires here. Failures follow LND: a request LND refuses outright (expired or malformed
/// invoice, already paid, self-payment, missing or superfluous amount) throws
/// <see cref="PaymentRejectedException"/>; routing and payee failures end the stream FAILED.
/// A cancelled or expired hold invoice fails the payer's payment with
/// <see cref="PaymentFailureReason.Canceled"/> (real LND reports INCORRECT_PAYMENT_DETAILS).
/// </remarks>
public sealed class SimnetNode : ILightningNode, Signing.IMessageSigner
{
    private readonly SimnetNetwork network;

    internal SimnetNode(SimnetNetwork network, string name, NodeId id, string macaroonHex)
    {
        this.network = network;
        Name = name;
        Id = id;
        MacaroonHex = macaroonHex;
    }

    /// <summary>The node's name in the network (its alias).</summary>
    public string Name { get; }

    /// <summary>The node's public key.</summary>
    public NodeId Id { get; }

    /// <summary>The macaroon (hex) the REST facade accepts for this node in <c>Grpc-Metadata-macaroon</c>.</summary>
    public string MacaroonHex { get; }

    /// <summary>The network this node belongs to.</summary>
    public SimnetNetwork Network => network;

    /// <inheritdoc />
    public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new NodeInfo(Id, Name, "simnet", network.BlockHeight));

    /// <inheritdoc />
    public Task<ChannelBalance> GetBalanceAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(network.GetBalance(Name));

    /// <inheritdoc />
    public Task<Invoice> CreateInvoiceAsync(CreateInvoiceRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(network.CreateInvoice(Name, request));

    /// <inheritdoc />
    public Task<Invoice> CreateHoldInvoiceAsync(CreateHoldInvoiceRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(network.CreateHoldInvoice(Name, request));

    /// <inheritdoc />
    public Task SettleInvoiceAsync(Preimage preimage, CancellationToken cancellationToken = default)
    {
        network.SettleInvoice(Name, preimage);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task CancelInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default)
    {
        network.CancelInvoice(Name, hash);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Invoice?> LookupInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default) =>
        Task.FromResult(network.LookupInvoice(Name, hash));

    /// <inheritdoc />
    public Task<InvoicePage> ListInvoicesAsync(InvoiceQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult(network.ListInvoices(Name, query));

    /// <inheritdoc />
    public IAsyncEnumerable<Invoice> SubscribeInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default) =>
        network.SubscribeInvoice(Name, hash, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<Payment> SendPaymentAsync(PaymentRequest request, CancellationToken cancellationToken = default) =>
        network.SendPayment(Name, request, cancellationToken);

    /// <inheritdoc />
    public async Task<Payment> PayAsync(PaymentRequest request, CancellationToken cancellationToken = default)
    {
        Payment? last = null;
        await foreach (var update in SendPaymentAsync(request, cancellationToken)) last = update;
        return last ?? throw new LightningException("The payment stream ended without an update.");
    }

    /// <summary>Streams an existing payment's updates until it is final (LND TrackPaymentV2).</summary>
    public IAsyncEnumerable<Payment> TrackPaymentAsync(PaymentHash hash, CancellationToken cancellationToken = default) =>
        network.TrackPayment(Name, hash, cancellationToken);

    /// <inheritdoc />
    public Task<Payment?> LookupPaymentAsync(PaymentHash hash, CancellationToken cancellationToken = default) =>
        Task.FromResult(network.LookupPayment(Name, hash));

    /// <inheritdoc />
    public Task<PaymentRequestDetails> DecodeAsync(string paymentRequest, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(Bolt11Invoice.Decode(paymentRequest, network.Engine).ToDetails());
        }
        catch (Bolt11FormatException e)
        {
            throw new LightningException($"invalid payment request: {e.Message}", e);
        }
    }

    /// <summary>The node's channels.</summary>
    public IReadOnlyList<SimnetChannelInfo> ListChannels() => network.ListChannels(Name);

    /// <inheritdoc />
    public override string ToString() => $"simnet node {Name} ({Id})";


    /// <inheritdoc />
    public Task<string> SignMessageAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        Task.FromResult(network.SignMessage(Name, message.Span));
}
