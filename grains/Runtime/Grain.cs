namespace L402Train.Grains.Runtime;

/// <summary>Marker for grain interfaces (Orleans' <c>IGrain</c>).</summary>
public interface IGrain;

/// <summary>A grain identified by a string key (bounty id, payment hash, node pubkey...).</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>Names the grain type as stored in the grain_state table (defaults to the class name).</summary>
/// <remarks>Set it once and never change it: the stored rows are keyed by it.</remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The stored grain type name.</summary>
    public string Name { get; } = name;
}

/// <summary>Why an activation is going away.</summary>
public enum DeactivationReason
{
    /// <summary>Idle longer than <see cref="SiloOptions.IdleDeactivationAfter"/>.</summary>
    Idle,
    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    Requested,
    /// <summary>The silo is stopping.</summary>
    ShuttingDown,
}

/// <summary>
/// Base class of grain implementations. One activation per key per silo runs one turn at a time;
/// across silos the state version (ETag) decides who wins.
/// </summary>
public abstract class Grain
{
    private GrainActivation? activation;

    internal GrainActivation Activation =>
        activation ?? throw new InvalidOperationException("The grain is not activated yet: runtime members are available from OnActivateAsync on, not in the constructor.");

    internal void Attach(GrainActivation owner) => activation = owner;

    /// <summary>Reaches other grains (calls go through their mailboxes).</summary>
    protected IGrainFactory GrainFactory => Activation.Catalog.Factory;

    /// <summary>The silo's clock; use it instead of DateTime.UtcNow.</summary>
    protected TimeProvider TimeProvider => Activation.Catalog.Time;

    /// <summary>This grain's key.</summary>
    public string GetPrimaryKeyString() => Activation.Key;

    /// <summary>Called once per activation after its persistent states were read.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called when the activation is collected (idle, requested or shutdown); not after a failed turn.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current turn ends.</summary>
    protected void DeactivateOnIdle() => Activation.DeactivateAfterTurn = true;

    /// <summary>
    /// Adds a job to this turn's outbox. It is inserted in the same transaction as the next
    /// <see cref="IPersistentState{TState}.WriteStateAsync(CancellationToken)"/> of this turn (and dropped if
    /// that write loses its race or the turn throws); a turn that ends successfully without a
    /// write enqueues its outbox on its own. Enqueuing an existing (type, unique key) is a no-op.
    /// </summary>
    protected void EnqueueJob(JobRequest job) => Activation.Outbox.Add(job);

    /// <summary>Adds a job with a JSON payload to this turn's outbox (see <see cref="EnqueueJob(JobRequest)"/>).</summary>
    protected void EnqueueJob<TPayload>(string type, string uniqueKey, TPayload payload, DateTimeOffset? runAt = null) =>
        EnqueueJob(JobRequest.Create(type, uniqueKey, payload, runAt, Activation.Catalog.Json));
}
