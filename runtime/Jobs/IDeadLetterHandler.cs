namespace L402Train.Runtime;

/// <summary>
/// Implemented, besides <see cref="IJobHandler"/>, by a handler whose job holds money (a validation
/// owns a locked deposit): when its job is dead-lettered, the worker calls
/// <see cref="OnDeadLetterAsync"/> at once so the owner can decide without the job (e.g. refund),
/// instead of the money waiting for the HTLC to expire. Called at most once per worker that
/// dead-letters the job; a job dead-lettered by the lease rescuer (its silo died on the last
/// attempt) is not called back here, so a periodic sweep must cover that case too. Must be idempotent.
/// </summary>
public interface IDeadLetterHandler
{
    /// <summary>The job ran out of attempts; <paramref name="lastError"/> is its last error.</summary>
    Task OnDeadLetterAsync(JobContext job, string lastError, CancellationToken cancellationToken);
}
