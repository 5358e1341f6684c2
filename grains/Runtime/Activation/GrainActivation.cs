namespace L402Train.Grains.Runtime;

/// <summary>A persistent state slot as the activation sees it.</summary>
internal interface IStateSlot
{
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the store still holds the version this slot last read or wrote.</summary>
    Task<bool> IsCurrentAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// One grain instance on one silo with its mailbox: <see cref="TurnLock"/> admits one turn at a
/// time (non-reentrant). A failed turn drops the activation so its possibly half-changed state
/// is never seen again; the next call re-reads from the store.
/// </summary>
internal sealed class GrainActivation(GrainCatalog catalog, GrainRegistration registration, string key)
{
    public GrainCatalog Catalog { get; } = catalog;

    public GrainRegistration Registration { get; } = registration;

    public string Key { get; } = key;

    public SemaphoreSlim TurnLock { get; } = new(1, 1);

    /// <summary>False once dropped from the catalog; calls queued on it go to a fresh activation.</summary>
    public bool IsLive { get; set; } = true;

    public Grain? Instance { get; private set; }

    public List<IStateSlot> States { get; } = [];

    /// <summary>Jobs enqueued during the current turn, committed with its next state write.</summary>
    public List<JobRequest> Outbox { get; } = [];

    public bool DeactivateAfterTurn { get; set; }

    public DateTimeOffset LastUsed { get; set; }

    /// <summary>Runs one call; the caller holds <see cref="TurnLock"/>.</summary>
    public async Task<object?> RunTurnAsync(GrainMethod method, object?[] arguments)
    {
        Outbox.Clear();
        if (Instance is not null && Catalog.Options.RevalidateStateEachTurn && !await IsCurrentAsync())
        {
            // Another silo wrote this grain since we read it: re-activate from the stored state,
            // so no silo answers from a stale copy (across silos only the version orders writes).
            Instance = null;
            States.Clear();
        }
        if (Instance is null)
        {
            var grain = Registration.Create(this);
            grain.Attach(this);
            foreach (var state in States) await state.ReadStateAsync();
            await grain.OnActivateAsync(CancellationToken.None);
            Instance = grain;
        }
        var context = new GrainCallContext(Instance, Registration, Key, method, arguments, Catalog.Filters);
        await context.Invoke();
        if (Outbox.Count > 0)
        {
            // The turn succeeded without a state write after its last enqueue: the jobs go on their own.
            var now = Catalog.Time.GetUtcNow();
            foreach (var job in TakeOutbox()) await Catalog.Store.EnqueueAsync(job, now);
        }
        LastUsed = Catalog.Time.GetUtcNow();
        return context.Result;
    }

    private async Task<bool> IsCurrentAsync()
    {
        foreach (var state in States)
        {
            if (!await state.IsCurrentAsync()) return false;
        }
        return true;
    }

    public IReadOnlyList<JobRequest> PeekOutbox() => [.. Outbox];

    public JobRequest[] TakeOutbox()
    {
        var jobs = Outbox.ToArray();
        Outbox.Clear();
        return jobs;
    }
}
