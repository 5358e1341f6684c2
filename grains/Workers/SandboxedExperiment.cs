using System.Globalization;
using System.Text.Json;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using L402Train.Runtime;

namespace L402Train.Grains.Workers;

/// <summary>
/// An archive experiment: unpacks the archive (plain files and directories only, inside its folder) into a
/// fresh working copy, adds <c>config.json</c> when the request had a config, and runs the command in the
/// bounty sandbox (bubblewrap: no network, read-only system, no host files, CPU/memory/process/time limits).
/// The last non-empty stdout line must be a JSON object; its numeric members are the metrics. Anything else
/// (non-zero exit, a limit hit, no such line) is a delivered <see cref="ExperimentStage.Failed"/> result.
/// </summary>
public sealed class SandboxedExperiment(BubblewrapSandbox sandbox, IBlobStore blobs, WorkerOptions options, string scratchRoot)
{
    /// <summary>The sandbox path of <c>config.json</c>, also in <c>EXPERIMENT_CONFIG</c>.</summary>
    public const string ConfigPath = BubblewrapSandbox.WorkDirectory + "/config.json";

    private const int TailBytes = 4096;

    /// <summary>Runs the archive experiment <paramref name="filing"/>.</summary>
    public async Task<ExperimentOutcome> RunAsync(ExperimentFiling filing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filing);
        Directory.CreateDirectory(scratchRoot);
        using var copy = WorkingCopy.CreateEmpty(scratchRoot);
        if (!ContentHash.TryParse(filing.ArchiveBlob, out var blob))
            throw new InvalidDataException($"Experiment {filing.ExperimentId} names no archive blob.");
        await using (var archive = await blobs.OpenReadAsync(blob, cancellationToken))
        {
            try
            {
                BountyArchive.Extract(archive, copy.Path, options.SandboxLimits.WorkBytes);
            }
            catch (InvalidDataException ex)
            {
                // The buyer's archive is unusable: a delivered failure of the experiment, like a crashing command.
                return ExperimentOutcome.Failed($"the archive was refused: {ex.Message}", 0);
            }
        }
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (filing.ConfigJson is { } config)
        {
            await File.WriteAllTextAsync(Path.Combine(copy.Path, "config.json"), config, cancellationToken);
            environment["EXPERIMENT_CONFIG"] = ConfigPath;
        }
        var limits = options.SandboxLimits with { WallClock = TimeSpan.FromSeconds(Math.Min(filing.TimeoutSeconds, options.SandboxLimits.WallClock.TotalSeconds)) };
        var result = await sandbox.RunAsync(new SandboxRequest(copy, filing.Command!, null, limits, environment), cancellationToken);
        var seconds = result.WallTime.TotalSeconds;
        var tail = Tail(result.Stdout + (result.Stderr.Length > 0 ? "\n" + result.Stderr : ""));
        if (result.LimitHit != SandboxLimit.None)
            return ExperimentOutcome.Failed($"the command hit the sandbox's {Describe(result.LimitHit)} limit", seconds, result.ExitCode, tail);
        if (result.ExitCode != 0)
            return ExperimentOutcome.Failed($"the command exited with status {result.ExitCode}", seconds, result.ExitCode, tail);
        return TryReadMetrics(result.Stdout, out var metrics, out var error)
            ? ExperimentOutcome.Completed(metrics, seconds, result.ExitCode, tail)
            : ExperimentOutcome.Failed(error, seconds, result.ExitCode, tail);
    }

    /// <summary>Reads the metrics from the last non-empty line of <paramref name="stdout"/>: a JSON object whose numeric members count.</summary>
    public static bool TryReadMetrics(string stdout, out IReadOnlyDictionary<string, double> metrics, out string error)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        metrics = new Dictionary<string, double>();
        var last = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (last is null)
        {
            error = "the command printed nothing; its last stdout line must be a JSON object of metrics";
            return false;
        }
        try
        {
            using var json = JsonDocument.Parse(last);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "the last stdout line is JSON but not an object of metrics";
                return false;
            }
            var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var member in json.RootElement.EnumerateObject())
            {
                if (member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetDouble(out var value) && double.IsFinite(value))
                    numbers[member.Name] = value;
            }
            if (numbers.Count == 0)
            {
                error = "the last stdout line has no finite numeric metric";
                return false;
            }
            metrics = numbers;
            error = "";
            return true;
        }
        catch (JsonException)
        {
            error = $"the last stdout line is not a JSON object of metrics: \"{(last.Length <= 80 ? last : last[..80] + "…")}\"";
            return false;
        }
    }

    private static string Describe(SandboxLimit limit) => limit switch
    {
        SandboxLimit.WallClock => "wall-clock",
        SandboxLimit.CpuTime => "CPU-time",
        SandboxLimit.Memory => "memory",
        SandboxLimit.Processes => "process",
        SandboxLimit.FileSize => "file-size",
        SandboxLimit.DiskSpace => "disk-space",
        _ => limit.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    private static string Tail(string output) => output.Length <= TailBytes ? output : output[^TailBytes..];
}
