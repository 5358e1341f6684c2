using L402Train.Bounties.Sandbox;

namespace L402Train.Grains.Workers;

/// <summary>The worker role's settings.</summary>
public sealed record WorkerOptions
{
    /// <summary>The price of one experiment in sats (<c>--worker-price-sats</c>, default 50).</summary>
    public long PriceSat { get; init; } = 50;

    /// <summary>The most steps a trainer experiment may ask for (<c>--worker-max-steps</c>, default 2000).</summary>
    public int MaxTrainerSteps { get; init; } = 2000;

    /// <summary>
    /// How long the worker gives itself to deliver one experiment (<c>--worker-deadline-s</c>, default 600 s); past it
    /// the experiment is abandoned and the buyer refunded (the worker failed, not the experiment).
    /// </summary>
    public TimeSpan RunDeadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Experiments run at once on this silo: the runners of the experiment job lane (the job worker's per-lane concurrency, 4 by default); the registration advertises it.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Kernel threads of one trainer run; 0 uses every core.</summary>
    public int TrainerThreads { get; init; }

    /// <summary>The limits of an archive run: the bounty sandbox's (its wall clock is the most <c>timeout_seconds</c> may ask).</summary>
    public SandboxLimits SandboxLimits { get; init; } = SandboxLimits.Default;

    /// <summary>
    /// Whether this worker sells archive experiments (<c>--worker-archives on|off</c>, default on). An archive runs
    /// only inside bubblewrap, so a worker that offers them checks its sandbox at start; off sells only the built-in
    /// trainer, says so in its registration and refuses an archive with a 400 before anyone pays.
    /// </summary>
    public bool ArchivesOffered { get; init; } = true;

    /// <summary>How long the start-up check of the sandbox (one trivial sandboxed command) may take before the worker refuses to start (default 30 s).</summary>
    public TimeSpan SandboxCheckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The experiment kinds this worker sells, as its registration and its <c>POST /experiment</c> answers name them.</summary>
    public IReadOnlyList<string> ExperimentKinds => ArchivesOffered ? [TrainerKind, ArchiveKind] : [TrainerKind];

    /// <summary>The kind name of a built-in trainer experiment.</summary>
    public const string TrainerKind = "trainer";

    /// <summary>The kind name of an archive experiment (archive and command in the sandbox).</summary>
    public const string ArchiveKind = "archive";

    /// <summary>The largest archive accepted, decoded (default 16 MiB).</summary>
    public long MaxArchiveBytes { get; init; } = 16L << 20;

    /// <summary>The worker's display name in its registration (default: <c>l402train-worker-</c> and the first 8 hex of its node key).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The public base URL of this worker (<c>--worker-public-url</c>) its registration names; null uses the address
    /// the silo listens on (never the request's Host header, which the caller chooses).
    /// </summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>The coordinator whose index this worker registers with and refreshes (<c>--worker-index-url</c>); null registers nowhere.</summary>
    public Uri? IndexUrl { get; init; }

    /// <summary>How often the registration is posted to <see cref="IndexUrl"/> (default 2 minutes, well inside the index's expiry).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        if (PriceSat < 1) throw new ArgumentOutOfRangeException(nameof(PriceSat), PriceSat, "The experiment price is at least 1 sat.");
        if (MaxTrainerSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxTrainerSteps), MaxTrainerSteps, "At least 1 step.");
        if (RunDeadline <= SandboxLimits.WallClock) throw new ArgumentOutOfRangeException(nameof(RunDeadline), RunDeadline, "The run deadline must exceed the sandbox's wall clock.");
        if (SandboxCheckTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SandboxCheckTimeout), SandboxCheckTimeout, "The sandbox check needs some time.");
        if (Concurrency < 1) throw new ArgumentOutOfRangeException(nameof(Concurrency), Concurrency, "At least 1 experiment at once.");
        SandboxLimits.Validate();
    }
}
