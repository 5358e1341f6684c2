namespace L402Train.Runtime;

/// <summary>
/// Brackets every call to an <see cref="OutboxGrain"/> as one turn of the outbox: starts it
/// empty; when the call throws, drops the staged jobs and deactivates the activation (its
/// in-memory state may be half changed; the next call re-reads the stored row); when it
/// succeeds, enqueues the jobs no state write took.
/// </summary>
internal sealed class OutboxCallFilter(IGrainStore store, TimeProvider time) : IIncomingGrainCallFilter
{
    private static readonly DeactivationReason FailedTurn =
        new(DeactivationReasonCode.ApplicationError, "A call failed: its in-memory changes and staged jobs are dropped; the next call re-reads the stored state.");

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is not OutboxGrain)
        {
            await context.Invoke();
            return;
        }
        var activation = context.TargetContext;
        TurnOutbox.Find(activation)?.Clear();
        try
        {
            await context.Invoke();
        }
        catch
        {
            TurnOutbox.Find(activation)?.Clear();
            activation.Deactivate(FailedTurn);
            throw;
        }
        if (TurnOutbox.Find(activation) is { Count: > 0 } outbox)
        {
            var now = time.GetUtcNow();
            foreach (var job in outbox.Take()) await store.EnqueueAsync(job, now);
        }
    }
}
