namespace L402Train.Model.Kernels;

/// <summary>
/// Runs a body over contiguous ranges of an index space on a bounded number of threads (the
/// Llm.cs "ForRanges" trick: a few large ranges instead of one task per item). Kernels compute
/// every output element wholly inside one range, in an order that does not depend on the range
/// bounds, so results are bit-identical for any thread count.
/// </summary>
internal sealed class WorkSplitter
{
    public WorkSplitter(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
    }

    public int Threads { get; }

    /// <summary>
    /// Splits [0, count) into at most <see cref="Threads"/> ranges whose bounds are multiples of
    /// <paramref name="align"/>; runs inline when the work is too small to be worth a hand-off.
    /// </summary>
    public void For(int count, int align, long workPerItem, Action<int, int> body)
    {
        var units = (count + align - 1) / align;
        var parts = Math.Min(Math.Min(Threads, units), WorkerPool.Shared.MaxParts);
        // Below ~64K multiply-adds the hand-off costs more than it saves.
        if (parts <= 1 || count * workPerItem < 65_536)
        {
            body(0, count);
            return;
        }

        if (!WorkerPool.Shared.TryRun(count, align, parts, body))
        {
            // Another model is using the workers: run here, same result.
            body(0, count);
        }
    }
}
