using L402Train.Lightning;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using L402Train.Bounties.Improvers;
using L402Train.Protocol.Bounties;

namespace L402Train.Gateway.Bounties;

/// <summary>The checked content of a <c>POST /bounties</c>: terms and both archives, or the first problem found.</summary>
public sealed record CheckedBounty(BountyTerms? Terms, byte[]? Baseline, byte[]? HeldOut, string? Problem)
{
    /// <summary>The holdback slice's archive, when the sponsor sent one.</summary>
    public byte[]? Holdback { get; init; }
}

/// <summary>Checks every field of a posted bounty against the coordinator's rules, naming the first wrong one.</summary>
public static class BountyTermsReader
{
    /// <summary>Checks <paramref name="request"/>; <paramref name="scratch"/> is where archives are test-unpacked.</summary>
    public static CheckedBounty Check(CreateBountyRequest request, BountyRules rules, DateTimeOffset now, string scratch)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(rules);
        request = WithDefaults(request, rules);
        string? problem =
            Text(request.Title, "title", 200) ?? Text(request.Description, "description", 20_000, allowEmpty: true) ?? Text(request.Metric, "metric", 64)
            ?? ScoreRangeProblem(request.ScoreMin, request.ScoreMax, request.Metric!)
            ?? (ParseDirection(request.Direction) is null ? "direction must be \"maximize\" or \"minimize\"" : null)
            ?? Text(request.EvalCommand, "eval_command", 4096)
            ?? List(request.TargetFiles, "target_files", required: true) ?? List(request.ForbiddenPatterns, "forbidden_patterns", required: false)
            ?? Range(request.TotalSats, "total_sats", 1, 21_000_000L * 100_000_000)
            ?? (request.Deadline is not { } deadline ? "deadline is required (ISO 8601 UTC)"
                : deadline <= now ? "deadline must be in the future"
                : deadline > now.AddYears(10) ? "deadline must be within ten years" : null)
            ?? Range(request.RateSatsPerUnit, "rate_sats_per_unit", 1, long.MaxValue / 4)
            ?? (request.MinImprovement is not { } min || !double.IsFinite(min) || min < 0 ? "min_improvement is required: a finite number ≥ 0" : null)
            ?? Range(request.MaxDiffBytes, "max_diff_bytes", 1, rules.MaxSubmitBodyBytes / 2)
            ?? Range(request.EvalTimeoutS, "eval_timeout_s", 1, rules.MaxEvalTimeoutSeconds)
            ?? Range(request.EvalMemoryMb, "eval_memory_mb", 16, rules.MaxEvalMemoryMb)
            ?? Range(request.Repeats, "repeats", 1, rules.MaxRepeats)
            ?? (request.TargetImprovement is { } target && !double.IsFinite(target) ? "target_improvement must be a finite score" : null)
            ?? Range(request.NoiseReruns, "noise_reruns", 3, rules.MaxNoiseReruns)
            ?? Range(request.HoldbackPct, "holdback_pct", 0, 100)
            ?? Range(request.HoldbackDelayS, "holdback_delay_s", (long)BountyRules.MinHoldbackDelay.TotalSeconds, (long)rules.MaxHoldbackDelay.TotalSeconds)
            ?? (request.LeaderThresholdRise is not (>= 0 and <= MaxLeaderThresholdRise) ? $"leader_threshold_rise must be a number from 0 to {MaxLeaderThresholdRise}" : null)
            ?? (request.LeaderThresholdDecay is not (> 0 and <= 1) ? "leader_threshold_decay must be a share in (0, 1]" : null)
            ?? Range(request.LeaderThresholdPeriodS, "leader_threshold_period_s", MinLeaderThresholdPeriodS, (long)rules.MaxHoldbackDelay.TotalSeconds);
        if (problem is not null) return new(null, null, null, problem);

        var terms = new BountyTerms(request.Title!, request.Description!, request.Metric!, ParseDirection(request.Direction)!.Value, request.EvalCommand!,
            [.. request.TargetFiles!], [.. request.ForbiddenPatterns ?? []], request.MaxDiffBytes!.Value, new Sats(request.TotalSats!.Value), request.Deadline!.Value,
            request.RateSatsPerUnit!.Value, request.MinImprovement!.Value, request.EvalTimeoutS!.Value, request.EvalMemoryMb!.Value, request.Repeats!.Value)
        {
            ScoreMin = request.ScoreMin,
            ScoreMax = request.ScoreMax,
            TargetScore = request.TargetImprovement,
            NoiseReruns = request.NoiseReruns!.Value,
            HoldbackPct = request.HoldbackPct!.Value,
            HoldbackDelay = TimeSpan.FromSeconds(request.HoldbackDelayS!.Value),
            LeaderThresholdRise = request.LeaderThresholdRise,
            LeaderThresholdDecay = request.LeaderThresholdDecay,
            LeaderThresholdPeriod = TimeSpan.FromSeconds(request.LeaderThresholdPeriodS!.Value),
        };
        if (terms.TargetScore is { } goal && terms.Range() is { } valid && (goal < valid.Min || goal > valid.Max))
            return new(null, null, null, $"target_improvement must be a score within [{valid.Min}, {valid.Max}]");
        try
        {
            terms.Policy();
        }
        catch (ArgumentException ex)
        {
            return new(null, null, null, $"target_files or forbidden_patterns: {ex.Message}");
        }

        var (baseline, baselineProblem) = Archive(request.BaselineTarball, "baseline_tarball", rules, scratch, requirePublic: true);
        if (baselineProblem is not null) return new(null, null, null, baselineProblem);
        var (heldOut, heldOutProblem) = Archive(request.HeldOutTarball, "held_out_tarball", rules, scratch, requirePublic: false);
        if (heldOutProblem is not null) return new(null, null, null, heldOutProblem);
        if (request.HoldbackTarball is null) return new(terms, baseline, heldOut, null);
        var (holdback, holdbackProblem) = Archive(request.HoldbackTarball, "holdback_tarball", rules, scratch, requirePublic: false);
        return holdbackProblem is not null ? new(null, null, null, holdbackProblem) : new(terms, baseline, heldOut, null) { Holdback = holdback };
    }

    /// <summary>
    /// The seed's sponsors send only {title, metric, eval_command, total_sats, deadline, held_out_hash, target_improvement,
    /// baseline_tarball, held_out_tarball}: the other terms take defaults. Any file may be a target (the eval's own files and
    /// the public set stay protected from wildcards); crossing the whole score range pays the whole pool; the least rewarded
    /// improvement is 1 % of that range; the sandbox limits are the coordinator's usual ones.
    /// </summary>
    private static CreateBountyRequest WithDefaults(CreateBountyRequest request, BountyRules rules)
    {
        var width = request.ScoreMin is { } lo && request.ScoreMax is { } hi ? hi - lo
            : request.Metric is { } metric && ScoreRange.DefaultFor(metric) is { } range ? range.Max - range.Min : double.NaN;
        var known = double.IsFinite(width) && width > 0;
        return request with
        {
            Description = request.Description ?? "",
            Direction = request.Direction ?? "maximize",
            TargetFiles = request.TargetFiles ?? [DefaultTargets],
            MinImprovement = request.MinImprovement ?? (known ? width / 100 : null),
            RateSatsPerUnit = request.RateSatsPerUnit ?? (known && request.TotalSats is { } total and > 0 ? Math.Max(1, (long)Math.Ceiling(total / width)) : null),
            MaxDiffBytes = request.MaxDiffBytes ?? Math.Min(65_536L, rules.MaxSubmitBodyBytes / 2),
            EvalTimeoutS = request.EvalTimeoutS ?? Math.Min(60, rules.MaxEvalTimeoutSeconds),
            EvalMemoryMb = request.EvalMemoryMb ?? Math.Min(256, rules.MaxEvalMemoryMb),
            Repeats = request.Repeats ?? 1,
            // The coordinator's settings (silo serve --noise-reruns, --holdback-pct, --holdback-delay-s, --leader-threshold-*),
            // stored with the terms: a later change of the settings never changes a posted deal.
            NoiseReruns = request.NoiseReruns ?? rules.DefaultNoiseReruns,
            HoldbackPct = request.HoldbackPct ?? rules.DefaultHoldbackPct,
            HoldbackDelayS = request.HoldbackDelayS ?? (long)rules.DefaultHoldbackDelay.TotalSeconds,
            LeaderThresholdRise = request.LeaderThresholdRise ?? rules.LeaderThresholdRise,
            LeaderThresholdDecay = request.LeaderThresholdDecay ?? rules.LeaderThresholdDecay,
            LeaderThresholdPeriodS = request.LeaderThresholdPeriodS ?? (long)rules.LeaderThresholdPeriod.TotalSeconds,
        };
    }

    /// <summary>Largest <c>leader_threshold_rise</c> (a bar 100 × the last win's size).</summary>
    public const double MaxLeaderThresholdRise = 100;

    /// <summary>Shortest <c>leader_threshold_period_s</c>.</summary>
    public const long MinLeaderThresholdPeriodS = 60;

    /// <summary>The default <c>target_files</c>: any file (eval files and the public set are protected unless named).</summary>
    public const string DefaultTargets = "**";

    private static MetricDirection? ParseDirection(string? direction) => direction?.ToLowerInvariant() switch
    {
        "maximize" => MetricDirection.Maximize,
        "minimize" => MetricDirection.Minimize,
        _ => null,
    };

    // Scores outside the range fail the eval, so no printed number can claim more than the metric allows.
    private static string? ScoreRangeProblem(double? min, double? max, string metric) => (min, max) switch
    {
        (null, null) when ScoreRange.DefaultFor(metric) is null =>
            $"score_min and score_max are required for metric '{metric}': only proportion metrics ({string.Join(", ", ScoreRange.ProportionMetrics.Order(StringComparer.Ordinal))}) default to [0, 1]",
        (null, null) => null,
        (null, _) or (_, null) => "score_min and score_max go together: declare both, or neither for a proportion metric's [0, 1]",
        ({ } lo, { } hi) when !double.IsFinite(lo) || !double.IsFinite(hi) => "score_min and score_max must be finite numbers",
        ({ } lo, { } hi) when lo >= hi => "score_min must be less than score_max",
        _ => null,
    };

    private static string? Text(string? value, string name, int max, bool allowEmpty = false) =>
        value is null ? $"{name} is required"
        : !allowEmpty && string.IsNullOrWhiteSpace(value) ? $"{name} must not be empty"
        : value.Length > max ? $"{name} is longer than {max} characters"
        : value.Contains('\0', StringComparison.Ordinal) ? $"{name} must not contain NUL characters" : null;

    private static string? List(IReadOnlyList<string>? values, string name, bool required) =>
        values is null ? (required ? $"{name} is required (a list of strings)" : null)
        : required && values.Count == 0 ? $"{name} needs at least one entry"
        : values.Count > 64 ? $"{name} has more than 64 entries"
        : values.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > 256) ? $"{name}: every entry is a non-empty string of at most 256 characters" : null;

    private static string? Range(long? value, string name, long min, long max) =>
        value is not { } v ? $"{name} is required" : v < min || v > max ? $"{name} must be between {min} and {max}" : null;

    private static (byte[]? Bytes, string? Problem) Archive(string? base64, string name, BountyRules rules, string scratch, bool requirePublic)
    {
        if (string.IsNullOrEmpty(base64)) return (null, $"{name} is required: a base64 tar.gz");
        if (base64.Length > (((long)rules.MaxArchiveBytes + 2) / 3 * 4) + 4) return (null, $"{name} exceeds {rules.MaxArchiveBytes} bytes decoded");
        byte[] bytes;
        try { bytes = Convert.FromBase64String(base64); }
        catch (FormatException) { return (null, $"{name} is not valid base64"); }
        if (bytes.Length > rules.MaxArchiveBytes) return (null, $"{name} exceeds {rules.MaxArchiveBytes} bytes decoded");

        var directory = Path.Combine(scratch, "check-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var stream = new MemoryStream(bytes, writable: false)) BountyArchive.Extract(stream, directory, maxBytes: 64L << 20, maxEntries: 10_000);
            var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Any();
            if (!files) return (null, $"{name} holds no files");
            var publicSet = Path.Combine(directory, ShippedBounty.PublicDirectory);
            if (requirePublic && !(Directory.Exists(publicSet) && Directory.EnumerateFiles(publicSet, "*", SearchOption.AllDirectories).Any()))
                return (null, $"{name} must hold the public evaluation set under {ShippedBounty.PublicDirectory}/");
            return (bytes, null);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException)
        {
            return (null, $"{name} is not a usable tar.gz: {ex.Message}");
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
