namespace L402Train.Gateway.Inference;

/// <summary>
/// Bounds how many completions run at once (generation is CPU work). An unpaid request is
/// refused with 429 while every slot is busy, so nobody pays for a request that would wait; a
/// paid one waits a while for its slot.
/// </summary>
internal sealed class GenerationSlots(InferenceOptions options)
{
    private readonly SemaphoreSlim slots = new(options.Concurrency, options.Concurrency);

    /// <summary>True when no slot is free right now.</summary>
    public bool Saturated => slots.CurrentCount == 0;

    /// <summary>Takes a slot within <see cref="InferenceOptions.SlotWait"/>; null when none came free.</summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellationToken) =>
        await slots.WaitAsync(options.SlotWait, cancellationToken) ? new Slot(slots) : null;

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) slots.Release();
        }
    }
}
