using System.Runtime.ExceptionServices;

namespace L402Train.Model.Kernels;

/// <summary>
/// A process-wide set of dedicated worker threads that run the parts of one range split at a
/// time, with the caller running part 0. Unlike Parallel.For it allocates nothing per dispatch
/// and does not go through the thread-pool queue. When another caller is dispatching, the
/// second caller simply runs its ranges itself (kernels give the same result for any split).
/// </summary>
internal sealed class WorkerPool
{
    private readonly SemaphoreSlim[] _wake;
    private readonly ManualResetEventSlim _done = new(false);
    private readonly Lock _dispatch = new();
    private Action<int, int>? _body;
    private int _count;
    private int _align;
    private int _units;
    private int _parts;
    private int _pending;
    private ExceptionDispatchInfo? _error;

    private WorkerPool(int workers)
    {
        _wake = new SemaphoreSlim[workers];
        for (var i = 0; i < workers; i++)
        {
            _wake[i] = new SemaphoreSlim(0);
            var part = i + 1;
            var thread = new Thread(() => WorkerLoop(part)) { IsBackground = true, Name = $"l402train-kernel-{part}" };
            thread.Start();
        }
    }

    /// <summary>One worker per extra core.</summary>
    public static WorkerPool Shared { get; } = new(Math.Max(0, Environment.ProcessorCount - 1));

    /// <summary>Most parts one dispatch can run at once (workers plus the caller).</summary>
    public int MaxParts => _wake.Length + 1;

    /// <summary>
    /// Runs <paramref name="body"/> over [0, count) split into <paramref name="parts"/> ranges aligned
    /// to <paramref name="align"/>. Returns false without running anything if the pool is busy.
    /// </summary>
    public bool TryRun(int count, int align, int parts, Action<int, int> body)
    {
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
            _parts = parts;
            _error = null;
            _pending = parts - 1;
            _done.Reset();
            for (var i = 0; i < parts - 1; i++)
            {
                _wake[i].Release();
            }

            RunPart(0);
            if (parts > 1)
            {
                _done.Wait();
            }

            _body = null;
            _error?.Throw();
            return true;
        }
        finally
        {
            _dispatch.Exit();
        }
    }

    private void WorkerLoop(int part)
    {
        var wake = _wake[part - 1];
        while (true)
        {
            wake.Wait();
            RunPart(part);
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    private void RunPart(int part)
    {
        var start = (int)((long)_units * part / _parts) * _align;
        var end = Math.Min(_count, (int)((long)_units * (part + 1) / _parts) * _align);
        if (start >= end)
        {
            return;
        }

        try
        {
            _body!(start, end);
        }
#pragma warning disable CA1031 // A kernel fault on a worker is rethrown on the dispatching thread.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
        }
    }
}
