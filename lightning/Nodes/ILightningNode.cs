namespace L402Train.Lightning;

/// <summary>
/// One Lightning node as the coordinator or a peer sees it: invoices (plain and hold),
/// payments, balances. Implemented by the embedded simnet and by the LND REST client, so the
/// rest of the system never knows which one it talks to.
/// </summary>
/// <remarks>
/// Settle and cancel are idempotent: settling a SETTLED invoice with the right preimage, or
/// cancelling a CANCELED one, succeeds without effect. Settling a CANCELED invoice, or with a
/// wrong preimage, throws <see cref="LightningException"/>.
/// </remarks>
public interface ILightningNode
{
    /// <summary>The node's identity, alias, network and chain height.</summary>
    Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>Channel balances: spendable, receivable and locked in pending HTLCs.</summary>
    Task<ChannelBalance> GetBalanceAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a plain invoice; the node picks the preimage unless one is given.</summary>
    Task<Invoice> CreateInvoiceAsync(CreateInvoiceRequest request, CancellationToken cancellationToken = default);

    /// <summary>Creates a hold invoice for a payment hash whose preimage only the caller knows.</summary>
    Task<Invoice> CreateHoldInvoiceAsync(CreateHoldInvoiceRequest request, CancellationToken cancellationToken = default);

    /// <summary>Settles an ACCEPTED hold invoice, releasing the preimage to the payer.</summary>
    Task SettleInvoiceAsync(Preimage preimage, CancellationToken cancellationToken = default);

    /// <summary>Cancels an invoice; an accepted HTLC is failed back so the payer's funds return.</summary>
    Task CancelInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default);

    /// <summary>Looks an invoice up by hash; null when this node never issued it.</summary>
    Task<Invoice?> LookupInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pages through this node's invoices by add index, as LND's ListInvoices: with
    /// <see cref="InvoiceQuery.Reversed"/> false, those whose add index is above
    /// <see cref="InvoiceQuery.IndexOffset"/>, oldest first; the page's <see cref="InvoicePage.LastIndexOffset"/>
    /// is the offset of the next page.
    /// </summary>
    Task<InvoicePage> ListInvoicesAsync(InvoiceQuery query, CancellationToken cancellationToken = default);

    /// <summary>Streams the invoice's state: its current state first, then every change until a final state.</summary>
    IAsyncEnumerable<Invoice> SubscribeInvoiceAsync(PaymentHash hash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a payment and streams its updates (as LND's SendPaymentV2): IN_FLIGHT while HTLCs
    /// are locked (a payment to a hold invoice stays here until the payee settles or cancels),
    /// then SUCCEEDED with the preimage or FAILED with a reason.
    /// </summary>
    IAsyncEnumerable<Payment> SendPaymentAsync(PaymentRequest request, CancellationToken cancellationToken = default);

    /// <summary>Sends a payment and waits for its final state (SUCCEEDED or FAILED).</summary>
    Task<Payment> PayAsync(PaymentRequest request, CancellationToken cancellationToken = default);

    /// <summary>The latest state of an outgoing payment; null when this node never sent it.</summary>
    Task<Payment?> LookupPaymentAsync(PaymentHash hash, CancellationToken cancellationToken = default);

    /// <summary>Decodes a BOLT11 payment request (signature checked).</summary>
    Task<PaymentRequestDetails> DecodeAsync(string paymentRequest, CancellationToken cancellationToken = default);
}
