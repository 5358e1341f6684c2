using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Runtime;

/// <summary>
/// Base class of our Orleans grains: adds the transactional outbox. A job staged with
/// <see cref="EnqueueJob(JobRequest)"/> is inserted in the same transaction as the turn's next
/// state write (and dropped if that write loses its ETag race or the turn throws); a turn that
/// ends successfully without a write enqueues its staged jobs on its own. Enqueuing an existing
/// (type, unique key) is a no-op.
/// </summary>
public abstract class OutboxGrain : Grain
{
    /// <summary>The silo's clock (the test clusters' fake one in tests); use it instead of DateTime.UtcNow.</summary>
    protected TimeProvider TimeProvider => field ??= ServiceProvider.GetRequiredService<TimeProvider>();

    /// <summary>
    /// This grain's key as text: the string key, or an integer key in decimal ("7"), the form our
    /// rows and job keys use (see <see cref="GrainKeys"/>).
    /// </summary>
    public string GetPrimaryKeyString() => this is IGrainWithIntegerKey
        ? this.GetPrimaryKeyLong().ToString(System.Globalization.CultureInfo.InvariantCulture)
        : GrainExtensions.GetPrimaryKeyString(this);

    /// <summary>Stages a job for this turn's next state write.</summary>
    protected void EnqueueJob(JobRequest job) => TurnOutbox.Of(GrainContext).Add(job);

    /// <summary>Stages a job with a JSON payload (see <see cref="EnqueueJob(JobRequest)"/>).</summary>
    protected void EnqueueJob<TPayload>(string type, string uniqueKey, TPayload payload, DateTimeOffset? runAt = null) =>
        EnqueueJob(JobRequest.Create(type, uniqueKey, payload, runAt, GrainJson.Options));
}
