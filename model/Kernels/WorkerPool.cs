using System.Runtime.ExceptionServices;

namespace L402Train.Model.Kernels;

/// <summary>
/// A process-wide set of dedicated worker threads for kernel ranges. A dispatch cuts the range
/// into a few chunks per thread; the caller and any worker that is awake claim chunks from a
/// shared counter. The caller never waits for a worker to be scheduled: if the other threads are
/// busy (a shared machine), it runs every chunk itself and only waits for chunks a worker has
/// already started. Nothing is allocated per dispatch. When another caller is dispatching, the
/// second caller runs its ranges itself (kernels give the same result for any split).
/// </summary>
internal sealed class WorkerPool
{
    private const int Closed = int.MaxValue / 2;
    private const int ChunksPerThread = 4;

    private readonly SemaphoreSlim[] _wake;
    private readonly ManualResetEventSlim _done = new(false);
    private readonly Lock _dispatch = new();
    private Action<int, int>? _body;
    private int _count;
    private int _align;
    private int _units;
    private int _chunks;
    private int _next = Closed;
    private int _completed;
    private ExceptionDispatchInfo? _error;

    private WorkerPool(int workers)
    {
        _wake = new SemaphoreSlim[workers];
        for (var i = 0; i < workers; i++)
        {
            _wake[i] = new SemaphoreSlim(0);
            var wake = _wake[i];
            var thread = new Thread(() => WorkerLoop(wake)) { IsBackground = true, Name = $"l402train-kernel-{i + 1}" };
            thread.Start();
        }
    }

    /// <summary>One worker per extra core.</summary>
    public static WorkerPool Shared { get; } = new(Math.Max(0, Environment.ProcessorCount - 1));

    /// <summary>Most threads one dispatch can use (workers plus the caller).</summary>
    public int MaxParts => _wake.Length + 1;

    /// <summary>
    /// Runs <paramref name="body"/> over [0, count) in chunks aligned to <paramref name="align"/>,
    /// on up to <paramref name="parts"/> threads. Returns false without running anything if the
    /// pool is busy with another caller's dispatch.
    /// </summary>
    public bool TryRun(int count, int align, int parts, Action<int, int> body)
    {
        if (count <= 0)
        {
            return true;
        }

        if (!_dispatch.TryEnter())
        {
            return false;
        }

        try
        {
            _body = body;
            _count = count;
            _align = align;
            _units = (count + align - 1) / align;
            _chunks = Math.Min(_units, parts * ChunksPerThread);
            _completed = 0;
            _error = null;
            _done.Reset();
            Volatile.Write(ref _next, 0); // publishes the fields above
            for (var i = 0; i < parts - 1; i++)
            {
                if (_wake[i].CurrentCount == 0)
                {
                    _wake[i].Release();
                }
            }

            RunChunks();
            _done.Wait();
            Volatile.Write(ref _next, Closed);
            _body = null;
            _error?.Throw();
            return true;
        }
        finally
        {
            _dispatch.Exit();
        }
    }

    private void WorkerLoop(SemaphoreSlim wake)
    {
        while (true)
        {
            wake.Wait();
            RunChunks();
        }
    }

    private void RunChunks()
    {
        while (true)
        {
            var chunk = Interlocked.Increment(ref _next) - 1;
            // A claim made while the pool is closed, or past the last chunk, finds nothing to do.
            var chunks = _chunks;
            if (chunk >= chunks)
            {
                return;
            }

            var start = (int)((long)_units * chunk / chunks) * _align;
            var end = Math.Min(_count, (int)((long)_units * (chunk + 1) / chunks) * _align);
            try
            {
                if (start < end)
                {
                    _body!(start, end);
                }
            }
#pragma warning disable CA1031 // A kernel fault on a worker is rethrown on the dispatching thread.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            }

            if (Interlocked.Increment(ref _completed) == chunks)
            {
                _done.Set();
            }
        }
    }
}
