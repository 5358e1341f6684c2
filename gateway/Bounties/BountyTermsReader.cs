using L402Train.Grains.Bounties.Catalog;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using L402Train.Bounties.Improvers;
using L402Train.Protocol.Bounties;

namespace L402Train.Gateway.Bounties;

/// <summary>The checked content of a <c>POST /bounties</c>: terms and both archives, or the first problem found.</summary>
public sealed record CheckedBounty(BountyTerms? Terms, byte[]? Baseline, byte[]? HeldOut, string? Problem);

/// <summary>Checks every field of a posted bounty against the coordinator's rules, naming the first wrong one.</summary>
public static class BountyTermsReader
{
    /// <summary>Checks <paramref name="request"/>; <paramref name="scratch"/> is where archives are test-unpacked.</summary>
    public static CheckedBounty Check(CreateBountyRequest request, BountyRules rules, DateTimeOffset now, string scratch)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(rules);
        string? problem =
            Text(request.Title, "title", 200) ?? Text(request.Description, "description", 20_000, allowEmpty: true) ?? Text(request.Metric, "metric", 64)
            ?? (ParseDirection(request.Direction) is null ? "direction is required: \"maximize\" or \"minimize\"" : null)
            ?? Text(request.EvalCommand, "eval_command", 4096)
            ?? List(request.TargetGlobs, "target_globs", required: true) ?? List(request.ForbiddenPatterns, "forbidden_patterns", required: false)
            ?? Range(request.TotalSat, "total_sat", 1, 21_000_000L * 100_000_000)
            ?? (request.Deadline is not { } deadline ? "deadline is required (ISO 8601 UTC)"
                : deadline <= now ? "deadline must be in the future"
                : deadline > now.AddYears(10) ? "deadline must be within ten years" : null)
            ?? Range(request.RateSatPerUnit, "rate_sat_per_unit", 1, long.MaxValue / 4)
            ?? (request.MinImprovement is not { } min || !double.IsFinite(min) || min < 0 ? "min_improvement is required: a finite number ≥ 0" : null)
            ?? Range(request.MaxDiffBytes, "max_diff_bytes", 1, rules.MaxSubmitBodyBytes / 2)
            ?? Range(request.EvalTimeoutS, "eval_timeout_s", 1, rules.MaxEvalTimeoutSeconds)
            ?? Range(request.EvalMemoryMb, "eval_memory_mb", 16, rules.MaxEvalMemoryMb)
            ?? Range(request.Repeats, "repeats", 1, rules.MaxRepeats)
            ?? ScoreRangeProblem(request.ScoreMin, request.ScoreMax, request.Metric!);
        if (problem is not null) return new(null, null, null, problem);

        var terms = new BountyTerms(request.Title!, request.Description!, request.Metric!, ParseDirection(request.Direction)!.Value, request.EvalCommand!,
            [.. request.TargetGlobs!], [.. request.ForbiddenPatterns ?? []], request.MaxDiffBytes!.Value, request.TotalSat!.Value, request.Deadline!.Value,
            request.RateSatPerUnit!.Value, request.MinImprovement!.Value, request.EvalTimeoutS!.Value, request.EvalMemoryMb!.Value, request.Repeats!.Value)
        {
            ScoreMin = request.ScoreMin,
            ScoreMax = request.ScoreMax,
        };
        try
        {
            terms.Policy();
        }
        catch (ArgumentException ex)
        {
            return new(null, null, null, $"target_globs or forbidden_patterns: {ex.Message}");
        }

        var (baseline, baselineProblem) = Archive(request.BaselineArchive, "baseline_archive", rules, scratch, requirePublic: true);
        if (baselineProblem is not null) return new(null, null, null, baselineProblem);
        var (heldOut, heldOutProblem) = Archive(request.HeldoutArchive, "heldout_archive", rules, scratch, requirePublic: false);
        return heldOutProblem is not null ? new(null, null, null, heldOutProblem) : new(terms, baseline, heldOut, null);
    }

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
