using System.Globalization;
using System.Threading.Channels;
using L402Train.Lightning.Bolt11;

namespace L402Train.Lightning.Simnet;

public sealed partial class SimnetNetwork
{
    private readonly Dictionary<(string Payer, string Hash), List<ChannelWriter<Payment>>> paymentSubscribers = [];

    internal async IAsyncEnumerable<Payment> SendPayment(string payer, PaymentRequest request,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Bolt11Invoice invoice;
        try
        {
            invoice = Bolt11Invoice.Decode(request.Bolt11, Engine);
        }
        catch (Bolt11FormatException e)
        {
            throw new PaymentRejectedException($"invalid payment request: {e.Message}", e);
        }
        var updates = Channel.CreateUnbounded<Payment>(new UnboundedChannelOptions { SingleReader = true });
        var key = (payer, invoice.PaymentHash.ToHex());
        lock (gate)
        {
            var snapshots = StartPayment(payer, request, invoice);
            foreach (var snapshot in snapshots) updates.Writer.TryWrite(snapshot);
            if (snapshots[^1].Status != PaymentStatus.InFlight) updates.Writer.TryComplete();
            else
            {
                if (!paymentSubscribers.TryGetValue(key, out var list)) paymentSubscribers[key] = list = [];
                list.Add(updates.Writer);
            }
            Commit();
        }
        try
        {
            await foreach (var payment in updates.Reader.ReadAllAsync(cancellationToken)) yield return payment;
        }
        finally
        {
            lock (gate)
            {
                if (paymentSubscribers.TryGetValue(key, out var list))
                {
                    list.Remove(updates.Writer);
                    if (list.Count == 0) paymentSubscribers.Remove(key);
                }
            }
        }
    }

    /// <summary>Streams an existing payment's state (TrackPaymentV2): the current state, then changes until final.</summary>
    internal async IAsyncEnumerable<Payment> TrackPayment(string payer, PaymentHash hash,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = Channel.CreateUnbounded<Payment>(new UnboundedChannelOptions { SingleReader = true });
        var key = (payer, hash.ToHex());
        lock (gate)
        {
            RequireNode(payer);
            if (!payments.TryGetValue(key, out var record)) throw new PaymentNotFoundException("payment isn't initiated");
            updates.Writer.TryWrite(ToPayment(record));
            if (record.Status != PaymentStatus.InFlight) updates.Writer.TryComplete();
            else
            {
                if (!paymentSubscribers.TryGetValue(key, out var list)) paymentSubscribers[key] = list = [];
                list.Add(updates.Writer);
            }
        }
        try
        {
            await foreach (var payment in updates.Reader.ReadAllAsync(cancellationToken)) yield return payment;
        }
        finally
        {
            lock (gate)
            {
                if (paymentSubscribers.TryGetValue(key, out var list))
                {
                    list.Remove(updates.Writer);
                    if (list.Count == 0) paymentSubscribers.Remove(key);
                }
            }
        }
    }

    internal Payment? LookupPayment(string payer, PaymentHash hash)
    {
        lock (gate)
        {
            RequireNode(payer);
            return payments.TryGetValue((payer, hash.ToHex()), out var record) ? ToPayment(record) : null;
        }
    }

    internal (Payment Payment, string PaymentRequest, long Index)? LookupPaymentRecord(string payer, PaymentHash hash)
    {
        lock (gate)
        {
            return payments.TryGetValue((payer, hash.ToHex()), out var r) ? (ToPayment(r), r.PaymentRequest, r.PaymentIndex) : null;
        }
    }

    internal ChannelBalance GetBalance(string node)
    {
        lock (gate)
        {
            RequireNode(node);
            long local = 0, remote = 0, outgoing = 0, incoming = 0;
            foreach (var channel in channelsByNode[node])
            {
                local += channel.BalanceOf(node);
                remote += channel.BalanceOf(channel.Other(node));
            }
            foreach (var htlc in htlcs.Values)
            {
                if (htlc.From == node) outgoing += htlc.AmountMsat;
                else if (htlc.To == node) incoming += htlc.AmountMsat;
            }
            return new ChannelBalance(new MilliSats(local), new MilliSats(remote), new MilliSats(outgoing), new MilliSats(incoming));
        }
    }

    /// <summary>Validates like LND's router, locks HTLCs along a route and lets the payee settle, hold or refuse.</summary>
    private List<Payment> StartPayment(string payer, PaymentRequest request, Bolt11Invoice invoice)
    {
        RequireNode(payer);
        var now = Time.GetUtcNow();
        if (invoice.IsExpired(now))
            throw new PaymentRejectedException($"invoice expired. Valid until {invoice.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}");
        MilliSats amount;
        if (invoice.Amount is { } fixedAmount)
        {
            if (request.Amount is { Value: > 0 })
                throw new PaymentRejectedException("amount must not be specified when paying a non-zero amount invoice");
            amount = fixedAmount;
        }
        else
        {
            amount = request.Amount is { Value: > 0 } given
                ? given
                : throw new PaymentRejectedException("amount must be specified when paying a zero amount invoice");
        }
        if (amount > BitcoinSupply.MaxMilliSats) throw new PaymentRejectedException($"amount {amount} is above 21,000,000 BTC");
        nodesById.TryGetValue(invoice.Payee, out var payee);
        if (payee == payer) throw new PaymentRejectedException("no self-payments allowed");
        var hash = invoice.PaymentHash.ToHex();
        if (payments.TryGetValue((payer, hash), out var existing))
        {
            if (existing.Status == PaymentStatus.Succeeded) throw new PaymentRejectedException("invoice is already paid");
            if (existing.Status == PaymentStatus.InFlight) throw new PaymentRejectedException("payment is in transition");
        }

        var payment = new PaymentRecord
        {
            Payer = payer,
            Hash = hash,
            PaymentRequest = invoice.PaymentRequest,
            Status = PaymentStatus.InFlight,
            AmountMsat = amount.Value,
            CreatedAt = now,
            PaymentIndex = meta.NextIndex++,
            Payee = payee ?? "",
        };
        payments[(payer, hash)] = payment;
        if (payee is null) return [Fail(payment, PaymentFailureReason.NoRoute)];

        var route = FindRoute(payer, payee, amount.Value);
        if (route is null)
        {
            var spendable = channelsByNode[payer].Sum(c => c.BalanceOf(payer));
            return [Fail(payment, spendable < amount.Value ? PaymentFailureReason.InsufficientBalance : PaymentFailureReason.NoRoute)];
        }
        var fee = route[0].Amount - amount.Value;
        if (fee > request.MaxFee.Value) return [Fail(payment, PaymentFailureReason.NoRoute)];

        var finalExpiry = HeightAt(now) + invoice.MinFinalCltvExpiry;
        for (var i = 0; i < route.Count; i++)
        {
            var hop = route[i];
            hop.Channel.Add(hop.From, -hop.Amount);
            var htlc = new HtlcRecord
            {
                Id = meta.NextHtlcId++,
                ChannelId = hop.Channel.Id,
                From = hop.From,
                To = hop.To,
                AmountMsat = hop.Amount,
                ExpiryHeight = finalExpiry + (long)(route.Count - 1 - i) * Options.ForwardingCltvDelta,
                Payer = payer,
                PaymentHash = hash,
            };
            AddHtlc(htlc);
            Save(htlc);
            Save(hop.Channel);
            payment.HtlcIds.Add(htlc.Id);
        }
        payment.FeeMsat = fee;
        var inFlight = ToPayment(payment);
        Save(payment);
        return [inFlight, .. DeliverToPayee(payment, payee, amount.Value, finalExpiry)];
    }

    /// <summary>The payee's side: refuse, settle a plain invoice, or hold (ACCEPTED) a hold invoice.</summary>
    private List<Payment> DeliverToPayee(PaymentRecord payment, string payee, long delivered, long finalExpiry)
    {
        var now = Time.GetUtcNow();
        if (!invoices.TryGetValue((payee, payment.Hash), out var invoice)
            || invoice.State != InvoiceState.Open
            || now >= invoice.ExpiresAt
            || invoice.AmountMsat is { } wanted && (delivered < wanted || delivered > 2 * wanted)
            || finalExpiry - HeightAt(now) < invoice.CltvExpiry
            || invoice.IsHold && finalExpiry - Options.HoldExpiryDelta <= HeightAt(now))
        {
            FailRoute(payment);
            return [Fail(payment, PaymentFailureReason.IncorrectPaymentDetails)];
        }
        invoice.AmountPaidMsat = delivered;
        invoice.Payer = payment.Payer;
        if (!invoice.IsHold)
        {
            SettleAccepted(invoice);
            return [ToPayment(payment)];
        }
        invoice.State = InvoiceState.Accepted;
        invoice.AcceptHeight = HeightAt(now);
        invoice.AcceptedAt = now;
        invoice.HtlcExpiryHeight = finalExpiry;
        ScheduleDeadline(TimeOfHeight(finalExpiry - Options.HoldExpiryDelta), new Deadline(DeadlineKind.HeldHtlcExpiry, payee, invoice.Hash));
        PublishInvoice(invoice);
        return [];
    }

    /// <summary>Settles an ACCEPTED invoice (or a plain one being paid): HTLCs pay out along the route, the payer learns the preimage.</summary>
    private void SettleAccepted(InvoiceRecord invoice)
    {
        invoice.State = InvoiceState.Settled;
        invoice.SettledAt = Time.GetUtcNow();
        invoice.SettleIndex = meta.NextIndex++;
        if (invoice.Payer is { } payer && payments.TryGetValue((payer, invoice.Hash), out var payment) && payment.Status == PaymentStatus.InFlight)
        {
            foreach (var id in payment.HtlcIds)
            {
                var htlc = htlcs[id];
                var channel = channels[htlc.ChannelId];
                channel.Add(htlc.To, htlc.AmountMsat);
                Save(channel);
                DropHtlc(htlc);
            }
            payment.HtlcIds.Clear();
            payment.Status = PaymentStatus.Succeeded;
            payment.PreimageHex = invoice.PreimageHex;
            PublishPayment(payment);
        }
        PublishInvoice(invoice);
    }

    /// <summary>Cancels an invoice; an ACCEPTED one fails its HTLCs back so the payer's funds return.</summary>
    private void CancelLocked(InvoiceRecord invoice, PaymentFailureReason reason)
    {
        var wasAccepted = invoice.State == InvoiceState.Accepted;
        invoice.State = InvoiceState.Canceled;
        if (wasAccepted && invoice.Payer is { } payer && payments.TryGetValue((payer, invoice.Hash), out var payment)
            && payment.Status == PaymentStatus.InFlight)
        {
            FailRoute(payment);
            Fail(payment, reason);
        }
        PublishInvoice(invoice);
    }

    private void FailRoute(PaymentRecord payment)
    {
        foreach (var id in payment.HtlcIds)
        {
            var htlc = htlcs[id];
            var channel = channels[htlc.ChannelId];
            channel.Add(htlc.From, htlc.AmountMsat);
            Save(channel);
            DropHtlc(htlc);
        }
        payment.HtlcIds.Clear();
        payment.FeeMsat = 0;
    }

    private Payment Fail(PaymentRecord payment, PaymentFailureReason reason)
    {
        payment.Status = PaymentStatus.Failed;
        payment.FailureReason = reason;
        PublishPayment(payment);
        return ToPayment(payment);
    }

    private void PublishPayment(PaymentRecord payment)
    {
        Save(payment);
        if (!paymentSubscribers.TryGetValue((payment.Payer, payment.Hash), out var list)) return;
        var snapshot = ToPayment(payment);
        var final = payment.Status != PaymentStatus.InFlight;
        foreach (var writer in list)
        {
            writer.TryWrite(snapshot);
            if (final) writer.TryComplete();
        }
        if (final) paymentSubscribers.Remove((payment.Payer, payment.Hash));
    }

    private static Payment ToPayment(PaymentRecord r) => new(
        PaymentHash.FromHex(r.Hash), r.Status, new MilliSats(r.AmountMsat), new MilliSats(r.FeeMsat),
        r.PreimageHex is { } p ? Preimage.FromHex(p) : null, r.FailureReason, r.CreatedAt);

    private sealed record RouteHop(ChannelRecord Channel, string From, string To, long Amount);

    /// <summary>
    /// Shortest route by hop count, searched backwards from the payee so each hop's amount
    /// (what it must forward plus the forwarding node's fee) is known when its channel is checked
    /// against the sender's balance and the pending-HTLC cap.
    /// </summary>
    private List<RouteHop>? FindRoute(string payer, string payee, long amount)
    {
        var need = new Dictionary<string, long>(StringComparer.Ordinal) { [payee] = amount };
        var next = new Dictionary<string, (string To, ChannelRecord Channel)>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(payee);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            var arriving = need[v];
            foreach (var channel in channelsByNode[v])
            {
                var u = channel.Other(v);
                if (need.ContainsKey(u)) continue;
                if (channel.BalanceOf(u) < arriving || PendingCount(channel.Id, u) >= Options.MaxPendingHtlcsPerDirection) continue;
                next[u] = (v, channel);
                if (u == payer) return BuildRoute(payer, payee, need, next);
                need[u] = checked(arriving + Options.FeeBaseMsat + arriving * Options.FeeProportionalMillionths / 1_000_000);
                queue.Enqueue(u);
            }
        }
        return null;
    }

    private static List<RouteHop> BuildRoute(string payer, string payee, Dictionary<string, long> need, Dictionary<string, (string To, ChannelRecord Channel)> next)
    {
        var route = new List<RouteHop>();
        for (var node = payer; node != payee;)
        {
            var (to, channel) = next[node];
            route.Add(new RouteHop(channel, node, to, need[to]));
            node = to;
        }
        return route;
    }
}
