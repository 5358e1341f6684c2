using System.Text.Json;

namespace L402Train.Runtime;

/// <summary>
/// A side effect to run later by a handler registered for <see cref="Type"/>. The pair
/// (<see cref="Type"/>, <see cref="UniqueKey"/>) is unique forever: enqueuing it again is a no-op,
/// so use the natural key of the effect (payment hash, submission id, "round-7:close").
/// </summary>
public sealed record JobRequest(string Type, string UniqueKey, string PayloadJson, DateTimeOffset? RunAt = null, int? MaxAttempts = null)
{
    /// <summary>Builds a request with <paramref name="payload"/> serialized as JSON.</summary>
    public static JobRequest Create<TPayload>(string type, string uniqueKey, TPayload payload, DateTimeOffset? runAt = null, JsonSerializerOptions? json = null, int? maxAttempts = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(uniqueKey);
        return new(type, uniqueKey, JsonSerializer.Serialize(payload, json ?? GrainJson.Options), runAt, maxAttempts);
    }
}

/// <summary>What a worker asks the store for.</summary>
public sealed record JobClaim(string WorkerId, IReadOnlyCollection<string> Types, int Max, DateTimeOffset Now, DateTimeOffset LeaseUntil);

/// <summary>A job a worker now holds (attempt already counted).</summary>
public sealed record ClaimedJob(long Id, string Type, string UniqueKey, string PayloadJson, int Attempt, int MaxAttempts, DateTimeOffset RunAt);

/// <summary>Where a job is in its life.</summary>
public enum JobState
{
    /// <summary>Waiting for its run_at (scheduled, or retrying after backoff).</summary>
    Available,
    /// <summary>Held by a worker under a lease.</summary>
    Running,
    /// <summary>Done.</summary>
    Completed,
    /// <summary>Out of attempts; <see cref="JobRecord.LastError"/> says why.</summary>
    Dead,
}

/// <summary>A job row as stored.</summary>
public sealed record JobRecord(long Id, string Type, string UniqueKey, string PayloadJson, JobState State, int Attempt, int MaxAttempts,
    DateTimeOffset RunAt, string? LockedBy, DateTimeOffset? LeaseUntil, string? LastError);

/// <summary>JSON conventions shared by state and job payloads.</summary>
public static class GrainJson
{
    /// <summary>Web defaults (camelCase, case-insensitive reads).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}

internal static class JobStates
{
    public static string ToText(JobState s) => s switch
    {
        JobState.Available => "available",
        JobState.Running => "running",
        JobState.Completed => "completed",
        _ => "dead",
    };

    public static JobState Parse(string s) => s switch
    {
        "available" => JobState.Available,
        "running" => JobState.Running,
        "completed" => JobState.Completed,
        "dead" => JobState.Dead,
        _ => throw new InvalidDataException($"Unknown job state '{s}'."),
    };
}
