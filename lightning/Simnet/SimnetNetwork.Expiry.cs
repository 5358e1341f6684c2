using Microsoft.Extensions.Logging;

namespace L402Train.Lightning.Simnet;

public sealed partial class SimnetNetwork
{
    private readonly ITimer expiryTimer;
    private readonly SortedSet<(DateTimeOffset Due, long Sequence, Deadline Deadline)> deadlines = [];
    private long deadlineSequence;
    private DateTimeOffset? timerDue;

    private enum DeadlineKind
    {
        /// <summary>An OPEN invoice reaches its expiry: LND cancels it.</summary>
        OpenInvoiceExpiry,
        /// <summary>An ACCEPTED hold invoice's HTLC is within the hold expiry delta of expiring: LND cancels it.</summary>
        HeldHtlcExpiry,
    }

    private sealed record Deadline(DeadlineKind Kind, string Node, string Hash);

    private void ScheduleDeadline(DateTimeOffset due, Deadline deadline)
    {
        deadlines.Add((due, deadlineSequence++, deadline));
        if (timerDue is null || due < timerDue) RescheduleExpiry();
    }

    /// <summary>Points the single timer at the earliest deadline (after a restart, rebuilds them from the records first).</summary>
    private void RescheduleExpiry()
    {
        if (deadlines.Count == 0 && invoices.Count > 0 && deadlineSequence == 0)
        {
            foreach (var invoice in invoices.Values)
            {
                if (invoice.State == InvoiceState.Open)
                    deadlines.Add((invoice.ExpiresAt, deadlineSequence++, new Deadline(DeadlineKind.OpenInvoiceExpiry, invoice.Node, invoice.Hash)));
                else if (invoice.State == InvoiceState.Accepted && invoice.HtlcExpiryHeight is { } expiry)
                    deadlines.Add((TimeOfHeight(expiry - Options.HoldExpiryDelta), deadlineSequence++, new Deadline(DeadlineKind.HeldHtlcExpiry, invoice.Node, invoice.Hash)));
            }
        }
        if (deadlines.Count == 0)
        {
            timerDue = null;
            expiryTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var due = deadlines.Min.Due;
        timerDue = due;
        var delay = due - Time.GetUtcNow();
        expiryTimer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private void OnExpiryTimer()
    {
        try
        {
            ProcessExpiry();
        }
        catch (System.Data.Common.DbException e)
        {
            // A failed write must not crash the process from a timer thread; the deadlines stay
            // queued in memory and the next operation or timer retries the commit.
            logger.LogError(e, "simnet: could not persist expiry processing; will retry");
            lock (gate)
            {
                if (!disposed) expiryTimer.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Applies every deadline that is due: expired OPEN invoices and held HTLCs close to expiry are cancelled.</summary>
    private void ProcessExpiry()
    {
        lock (gate)
        {
            if (disposed) return;
            var now = Time.GetUtcNow();
            var height = HeightAt(now);
            while (deadlines.Count > 0 && deadlines.Min.Due <= now)
            {
                var (_, _, deadline) = deadlines.Min;
                deadlines.Remove(deadlines.Min);
                if (!invoices.TryGetValue((deadline.Node, deadline.Hash), out var invoice)) continue;
                if (deadline.Kind == DeadlineKind.OpenInvoiceExpiry && invoice.State == InvoiceState.Open && now >= invoice.ExpiresAt)
                {
                    CancelLocked(invoice, PaymentFailureReason.Canceled);
                }
                else if (deadline.Kind == DeadlineKind.HeldHtlcExpiry && invoice.State == InvoiceState.Accepted
                    && invoice.HtlcExpiryHeight is { } expiry && height >= expiry - Options.HoldExpiryDelta)
                {
                    logger.LogInformation("simnet: cancelling held invoice {Hash} on {Node}: its HTLC expires at height {Expiry}, now {Height}",
                        invoice.Hash, invoice.Node, expiry, height);
                    CancelLocked(invoice, PaymentFailureReason.Canceled);
                }
            }
            Commit();
            RescheduleExpiry();
        }
    }
}
