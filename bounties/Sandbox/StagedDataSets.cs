using System.Runtime.Versioning;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// The evaluation sets' private, read-only copies, made once per set and shared by every run that evaluates on
/// it (each submission's public and held-out runs, the noise reruns, the next submissions). A copy is reused only
/// while the stored set still has the same files with the same sizes and modification times (checked before
/// every run); a set changed in place gets a new copy, and the old one is deleted once no run uses it. The copy
/// keeps what the per-run copy gave: the stored set is never mounted nor opened to the sandbox user, and every
/// run binds its copy read-only at <see cref="BubblewrapSandbox.DataDirectory"/>, so no run can change what the
/// next one reads.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class StagedDataSets(string scratchRoot) : IDisposable
{
    // Sets of bounties no longer evaluated are dropped beyond this many (the oldest unused first).
    private const int Capacity = 32;

    private readonly Lock gate = new();
    private readonly Dictionary<string, Staged> bySource = new(StringComparer.Ordinal);
    private long uses;

    /// <summary>A copy of <paramref name="source"/> for one run; dispose it when the run is over.</summary>
    public Lease Acquire(string source, bool dropRoot)
    {
        if (!Directory.Exists(source)) { throw new DirectoryNotFoundException($"evaluation set '{source}' does not exist."); }
        var fingerprint = SetFingerprint.Of(source);
        lock (gate)
        {
            if (bySource.TryGetValue(source, out var cached) && cached.Fingerprint == fingerprint)
            {
                cached.Users++;
                cached.LastUse = ++uses;
                return new Lease(this, cached);
            }
        }
        var staged = Stage(source, fingerprint, dropRoot);
        lock (gate)
        {
            // Only a copy of a set that did not change while it was copied is worth keeping for later runs.
            if (SetFingerprint.Of(source) == fingerprint)
            {
                if (bySource.Remove(source, out var replaced)) { Retire(replaced); }
                bySource[source] = staged;
                EvictBeyondCapacity();
            }
            else
            {
                staged.Retired = true;
            }
            staged.Users++;
            staged.LastUse = ++uses;
            return new Lease(this, staged);
        }
    }

    private Staged Stage(string source, string fingerprint, bool dropRoot)
    {
        var root = Path.Combine(scratchRoot, "l402-set-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            File.SetUnixFileMode(root, RunDirectory.Traverse);
            var data = Path.Combine(root, "data");
            WorkingCopy.CopyTree(source, data);
            if (dropRoot) { RunDirectory.OpenTree(data, writable: false); }
            return new Staged(root, data, fingerprint);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    private void Release(Staged staged)
    {
        lock (gate)
        {
            staged.Users--;
            if (staged.Retired && staged.Users == 0) { Delete(staged); }
        }
    }

    private void EvictBeyondCapacity()
    {
        while (bySource.Count > Capacity && bySource.Where(e => e.Value.Users == 0).MinBy(e => e.Value.LastUse) is { Key: not null } oldest)
        {
            bySource.Remove(oldest.Key);
            Delete(oldest.Value);
        }
    }

    private static void Retire(Staged staged)
    {
        staged.Retired = true;
        if (staged.Users == 0) { Delete(staged); }
    }

    private static void Delete(Staged staged)
    {
        if (Directory.Exists(staged.Root)) { Directory.Delete(staged.Root, recursive: true); }
    }

    /// <summary>Deletes every copy (the sandbox is shutting down).</summary>
    public void Dispose()
    {
        lock (gate)
        {
            foreach (var staged in bySource.Values) { Retire(staged); }
            bySource.Clear();
        }
    }

    /// <summary>One run's use of a staged copy.</summary>
    public sealed class Lease(StagedDataSets owner, Staged staged) : IDisposable
    {
        private int released;

        /// <summary>The copy to bind read-only at <see cref="BubblewrapSandbox.DataDirectory"/>.</summary>
        public string Path => staged.Data;

        /// <summary>Releases the copy; a replaced one is deleted with its last lease.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) { owner.Release(staged); }
        }
    }

    /// <summary>A staged copy: where it is, what it was copied from, how many runs use it now.</summary>
    public sealed class Staged(string root, string data, string fingerprint)
    {
        public string Root { get; } = root;

        public string Data { get; } = data;

        public string Fingerprint { get; } = fingerprint;

        public int Users { get; set; }

        public long LastUse { get; set; }

        public bool Retired { get; set; }
    }
}
