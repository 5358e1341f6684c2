namespace L402Train.Model.Kernels;

/// <summary>
/// Runs a body over contiguous ranges of an index space on a bounded number of threads (the
/// Llm.cs "ForRanges" trick: a few large ranges instead of one task per item). Kernels compute
/// every output element wholly inside one range, in an order that does not depend on the range
/// bounds, so results are bit-identical for any thread count.
/// </summary>
internal sealed class WorkSplitter
{
    private readonly ParallelOptions _options;

    public WorkSplitter(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _options = new ParallelOptions { MaxDegreeOfParallelism = threads };
    }

    public int Threads { get; }

    /// <summary>
    /// Splits [0, count) into at most <see cref="Threads"/> ranges whose bounds are multiples of
    /// <paramref name="align"/>; runs inline when the work is too small to be worth a hand-off.
    /// </summary>
    public void For(int count, int align, long workPerItem, Action<int, int> body)
    {
        var units = (count + align - 1) / align;
        var parts = Math.Min(Threads, units);
        // Below ~64K multiply-adds the hand-off costs more than it saves.
        if (parts <= 1 || count * workPerItem < 65_536)
        {
            body(0, count);
            return;
        }

        Parallel.For(0, parts, _options, part =>
        {
            var start = (int)((long)units * part / parts) * align;
            var end = Math.Min(count, (int)((long)units * (part + 1) / parts) * align);
            if (start < end)
            {
                body(start, end);
            }
        });
    }
}
