using System.Text.Json;

namespace L402Train.Grains.Runtime;

/// <summary>Settings of one silo.</summary>
public sealed class SiloOptions
{
    /// <summary>This silo's name (shown by /status, part of job worker ids).</summary>
    public string SiloId { get; set; } = $"silo-{Guid.NewGuid():N}"[..13];

    /// <summary>Roles this silo plays (gateway, validator, settler...).</summary>
    public IReadOnlySet<string> Roles { get; set; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "gateway" };

    /// <summary>An activation unused this long is deactivated (Orleans' CollectionAge).</summary>
    public TimeSpan IdleDeactivationAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan IdleCollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts of a turn that keeps losing its version race before the conflict reaches the caller.</summary>
    public int MaxTurnAttempts { get; set; } = 10;

    /// <summary>Backoff before re-running a conflicted turn; doubles per conflict with jitter.</summary>
    public TimeSpan ConflictBackoffBase { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Largest backoff between turn re-runs.</summary>
    public TimeSpan ConflictBackoffMax { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Before each turn, check that the store still holds the cached state's version and
    /// re-activate when another silo wrote it since (one version read per state per turn).
    /// Without it a silo may answer reads from a stale copy; turn it off only for a silo that
    /// never shares its store.
    /// </summary>
    public bool RevalidateStateEachTurn { get; set; } = true;

    /// <summary>Apply migrations when the silo starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>JSON for state and payloads.</summary>
    public JsonSerializerOptions Json { get; set; } = GrainJson.Options;

    /// <summary>Job worker settings (workers run only when handlers are registered).</summary>
    public JobWorkerOptions Jobs { get; } = new();
}
