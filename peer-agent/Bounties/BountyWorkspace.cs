using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;

namespace L402Train.PeerAgent.Bounties;

/// <summary>
/// A downloaded bounty on disk: the current best tree (with the public set under <c>public/</c>)
/// unpacked into a folder, the diff rules, and an evaluator that runs the sponsor's eval command
/// on the public set, in bubblewrap when a sandbox is given.
/// </summary>
public sealed class BountyWorkspace
{
    /// <summary>Where the public set lies inside the baseline tree.</summary>
    public const string PublicDirectory = "public";

    private BountyWorkspace(BountyDetail bounty, string folder, DiffPolicy policy, EvalCommandEvaluator evaluator)
    {
        Bounty = bounty;
        Folder = folder;
        Policy = policy;
        Evaluator = evaluator;
    }

    /// <summary>The bounty as downloaded.</summary>
    public BountyDetail Bounty { get; }

    /// <summary>The unpacked baseline tree.</summary>
    public string Folder { get; }

    /// <summary>The bounty's diff rules (target globs, size, forbidden patterns).</summary>
    public DiffPolicy Policy { get; }

    /// <summary>Scores candidates on the public set.</summary>
    public EvalCommandEvaluator Evaluator { get; }

    /// <summary>Which way the metric improves.</summary>
    public MetricDirection Direction => ParseDirection(Bounty.Direction);

    /// <summary>The files a submission may change (target globs, outside the public set), relative path → text.</summary>
    public IReadOnlyDictionary<string, string> TargetFiles() =>
        BountyArchive.ReadFiles(Folder)
            .Where(f => !f.Key.StartsWith(PublicDirectory + "/", StringComparison.Ordinal) && Policy.IsTarget(f.Key))
            .ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    /// <summary>A file of the public set (e.g. for an agent that games it).</summary>
    public string ReadPublic(string relativePath) => File.ReadAllText(Path.Combine(Folder, PublicDirectory, relativePath));

    /// <summary>Unpacks <paramref name="bounty"/>'s archive into <paramref name="folder"/> (which must be empty or absent).</summary>
    public static BountyWorkspace Unpack(BountyDetail bounty, string folder, BubblewrapSandbox? sandbox, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        var root = Path.GetFullPath(folder);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new IOException($"'{root}' is not empty; give a fresh folder for the baseline.");
        byte[] archive;
        try
        {
            archive = Convert.FromBase64String(bounty.BaselineTarball);
        }
        catch (FormatException)
        {
            throw new InvalidDataException("the bounty's baseline_archive is not base64.");
        }
        using (var stream = new MemoryStream(archive)) BountyArchive.Extract(stream, root);
        var policy = new DiffPolicy(bounty.TargetFiles, Math.Max(1, bounty.MaxDiffBytes), bounty.ForbiddenPatterns ?? []);
        var timeout = TimeSpan.FromSeconds(Math.Max(1, bounty.EvalTimeoutS));
        var limits = SandboxLimits.Default with
        {
            WallClock = timeout,
            CpuTime = timeout,
            MemoryBytes = bounty.EvalMemoryMb > 0 ? (long)bounty.EvalMemoryMb << 20 : SandboxLimits.Default.MemoryBytes,
        };
        // Each eval runs in a fresh copy under the temp folder, removed afterwards.
        var evaluator = new EvalCommandEvaluator(root, Path.Combine(root, PublicDirectory), bounty.EvalCommand, limits, sandbox, Path.GetTempPath(), time);
        return new BountyWorkspace(bounty, root, policy, evaluator);
    }

    /// <summary>"maximize" or "minimize" as the wire writes it.</summary>
    public static MetricDirection ParseDirection(string? direction) => direction?.ToLowerInvariant() switch
    {
        "minimize" => MetricDirection.Minimize,
        _ => MetricDirection.Maximize,
    };
}
