namespace L402Train.Model.Kernels;

/// <summary>A kernel's work over a range of rows (or columns), as a struct so dispatching allocates nothing.</summary>
internal interface IRangeJob
{
    void Run(int start, int end);
}

/// <summary>
/// Dispatches struct jobs through a per-thread cached box and delegate: no allocation per call.
/// A thread dispatches one job at a time (kernels do not nest), so one box per thread suffices.
/// </summary>
internal static class RangeJob<TJob>
    where TJob : struct, IRangeJob
{
    [ThreadStatic]
    private static Box? t_box;

    public static void Run(WorkSplitter work, int count, int align, long workPerItem, in TJob job)
    {
        var box = t_box ??= new Box();
        box.Job = job;
        try
        {
            work.For(count, align, workPerItem, box.Body);
        }
        finally
        {
            box.Job = default; // drop array references between steps
        }
    }

    private sealed class Box
    {
        public TJob Job;

        public Box() => Body = (start, end) => Job.Run(start, end);

        public Action<int, int> Body { get; }
    }
}
