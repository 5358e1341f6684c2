using System.Security.Cryptography;
using System.Threading.Channels;
using L402Train.Lightning.Bolt11;

namespace L402Train.Lightning.Simnet;

public sealed partial class SimnetNetwork
{
    /// <summary>LND's default invoice expiry when a request gives none (AddInvoice: 24 h).</summary>
    internal static readonly TimeSpan DefaultInvoiceExpiry = TimeSpan.FromHours(24);

    /// <summary>LND's default final CLTV delta for new invoices.</summary>
    internal const int DefaultInvoiceCltv = 80;

    private readonly Dictionary<(string Node, string Hash), List<ChannelWriter<Invoice>>> invoiceSubscribers = [];

    /// <summary>LND's largest final CLTV delta (invoices.MaxFinalCltvDelta, math.MaxUint16).</summary>
    internal const int MaxInvoiceCltv = ushort.MaxValue;

    internal Invoice CreateInvoice(string node, CreateInvoiceRequest request, int cltv = DefaultInvoiceCltv, byte[]? descriptionHash = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var preimage = request.Preimage ?? Preimage.Random();
        lock (gate)
        {
            var record = AddInvoice(node, preimage.Hash, request.Amount, request.Memo, request.Expiry, cltv, isHold: false, descriptionHash);
            record.PreimageHex = preimage.ToHex();
            Save(record);
            Commit();
            return ToInvoice(record);
        }
    }

    internal Invoice CreateHoldInvoice(string node, CreateHoldInvoiceRequest request, byte[]? descriptionHash = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CltvExpiry <= Options.HoldExpiryDelta)
            throw new LightningException($"cltv_expiry {request.CltvExpiry} must exceed the hold expiry delta of {Options.HoldExpiryDelta} blocks.");
        lock (gate)
        {
            var record = AddInvoice(node, request.Hash, request.Amount, request.Memo, request.Expiry, request.CltvExpiry, isHold: true, descriptionHash);
            Commit();
            return ToInvoice(record);
        }
    }

    private InvoiceRecord AddInvoice(string node, PaymentHash hash, MilliSats? amount, string? memo, TimeSpan expiry, int cltv, bool isHold, byte[]? descriptionHash = null)
    {
        var entry = RequireNode(node);
        if (expiry < TimeSpan.Zero) throw new LightningException("expiry must not be negative.");
        if (amount > BitcoinSupply.MaxMilliSats) throw new LightningException($"invoice amount {amount} is too large: at most 21,000,000 BTC ({BitcoinSupply.MaxMilliSats}).");
        if (cltv is <= 0 or > MaxInvoiceCltv) throw new LightningException($"CLTV delta of {cltv} is out of range: 1 to {MaxInvoiceCltv} blocks.");
        if (descriptionHash is { Length: not 32 }) throw new LightningException($"description hash is {descriptionHash.Length} bytes long, must be 32.");
        if (amount is { Value: 0 }) amount = null; // LND treats 0 as "any amount".
        if (invoices.ContainsKey((node, hash.ToHex()))) throw new LightningException("invoice with payment hash already exists");
        if (memo is not null && System.Text.Encoding.UTF8.GetByteCount(memo) > 639) throw new LightningException("memo too large: at most 639 bytes of UTF-8.");
        if (expiry == TimeSpan.Zero) expiry = DefaultInvoiceExpiry;
        var now = DateTimeOffset.FromUnixTimeSeconds(Time.GetUtcNow().ToUnixTimeSeconds());
        var secret = RandomNumberGenerator.GetBytes(32);
        var bolt11 = Bolt11Invoice.Sign(new Bolt11Request(Options.Currency, hash, secret, now)
        {
            Amount = amount,
            Description = descriptionHash is null ? memo ?? "" : null,
            // byte[] null would convert to an empty memory, not to null.
            DescriptionHash = descriptionHash is null ? (ReadOnlyMemory<byte>?)null : descriptionHash,
            Expiry = expiry,
            MinFinalCltvExpiry = cltv,
        }, entry.Key);
        var record = new InvoiceRecord
        {
            Node = node,
            Hash = hash.ToHex(),
            PaymentRequest = bolt11.PaymentRequest,
            PaymentAddrHex = Convert.ToHexStringLower(secret),
            AmountMsat = amount?.Value,
            State = InvoiceState.Open,
            IsHold = isHold,
            Memo = memo,
            CreatedAt = now,
            ExpiresAt = now + expiry,
            CltvExpiry = cltv,
            AddIndex = meta.NextIndex++,
        };
        invoices[(node, record.Hash)] = record;
        IndexInvoice(record);
        Save(record);
        ScheduleDeadline(record.ExpiresAt, new Deadline(DeadlineKind.OpenInvoiceExpiry, node, record.Hash));
        return record;
    }

    internal void SettleInvoice(string node, Preimage preimage)
    {
        lock (gate)
        {
            var invoice = RequireInvoice(node, preimage.Hash);
            switch (invoice.State)
            {
                case InvoiceState.Settled:
                    return; // Idempotent, as LND.
                case InvoiceState.Canceled:
                    throw new InvoiceStateException("invoice already canceled");
                case InvoiceState.Open:
                    throw new InvoiceStateException("invoice still open");
            }
            invoice.PreimageHex = preimage.ToHex();
            SettleAccepted(invoice);
            Commit();
        }
    }

    internal void CancelInvoice(string node, PaymentHash hash)
    {
        lock (gate)
        {
            var invoice = RequireInvoice(node, hash);
            switch (invoice.State)
            {
                case InvoiceState.Canceled:
                    return; // Idempotent, as LND.
                case InvoiceState.Settled:
                    throw new InvoiceStateException("invoice already settled");
            }
            CancelLocked(invoice, PaymentFailureReason.Canceled);
            Commit();
        }
    }

    internal Invoice? LookupInvoice(string node, PaymentHash hash)
    {
        lock (gate)
        {
            RequireNode(node);
            return invoices.TryGetValue((node, hash.ToHex()), out var record) ? ToInvoice(record) : null;
        }
    }

    /// <summary>The LND view of an invoice (indexes, payment address, CLTV) for the REST facade.</summary>
    internal (Invoice Invoice, InvoiceRecord Record)? LookupInvoiceRecord(string node, PaymentHash hash)
    {
        lock (gate)
        {
            return invoices.TryGetValue((node, hash.ToHex()), out var record) ? (ToInvoice(record), Clone(record)) : null;
        }
    }

    internal async IAsyncEnumerable<Invoice> SubscribeInvoice(string node, PaymentHash hash,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = Channel.CreateUnbounded<Invoice>(new UnboundedChannelOptions { SingleReader = true });
        var key = (node, hash.ToHex());
        lock (gate)
        {
            var record = RequireInvoice(node, hash);
            updates.Writer.TryWrite(ToInvoice(record));
            if (IsFinal(record.State)) updates.Writer.TryComplete();
            else
            {
                if (!invoiceSubscribers.TryGetValue(key, out var list)) invoiceSubscribers[key] = list = [];
                list.Add(updates.Writer);
            }
        }
        try
        {
            await foreach (var invoice in updates.Reader.ReadAllAsync(cancellationToken)) yield return invoice;
        }
        finally
        {
            lock (gate)
            {
                if (invoiceSubscribers.TryGetValue(key, out var list))
                {
                    list.Remove(updates.Writer);
                    if (list.Count == 0) invoiceSubscribers.Remove(key);
                }
            }
        }
    }

    private static bool IsFinal(InvoiceState state) => state is InvoiceState.Settled or InvoiceState.Canceled;

    private InvoiceRecord RequireInvoice(string node, PaymentHash hash)
    {
        RequireNode(node);
        return invoices.TryGetValue((node, hash.ToHex()), out var record) ? record : throw new InvoiceNotFoundException("unable to locate invoice");
    }

    private void PublishInvoice(InvoiceRecord record)
    {
        Save(record);
        if (!invoiceSubscribers.TryGetValue((record.Node, record.Hash), out var list)) return;
        var snapshot = ToInvoice(record);
        foreach (var writer in list)
        {
            writer.TryWrite(snapshot);
            if (IsFinal(record.State)) writer.TryComplete();
        }
        if (IsFinal(record.State)) invoiceSubscribers.Remove((record.Node, record.Hash));
    }

    private static Invoice ToInvoice(InvoiceRecord r) => new(
        PaymentHash.FromHex(r.Hash), r.PaymentRequest, r.AmountMsat is { } a ? new MilliSats(a) : null, r.State, r.IsHold, r.Memo,
        r.CreatedAt, r.ExpiresAt, new MilliSats(r.AmountPaidMsat),
        r.PreimageHex is { } p && (!r.IsHold || r.State == InvoiceState.Settled) ? Preimage.FromHex(p) : null, r.SettledAt)
    {
        AddIndex = r.AddIndex,
        SettleIndex = r.SettleIndex,
    };

    private static InvoiceRecord Clone(InvoiceRecord r) => r.Copy();
}
