using System.Globalization;

namespace L402Train.PeerAgent.Research;

/// <summary>
/// The loop's figures as <c>name=value</c> lines (what <c>research loop</c> prints last, on stdout): the
/// overhead of each experiment (discovery, probe, payment, settlement, publishing) against the run
/// itself, means over the rounds this invocation published.
/// </summary>
public static class ResearchFigures
{
    /// <summary>The lines for <paramref name="reports"/>, run in <paramref name="elapsed"/>, ending at <paramref name="state"/>.</summary>
    public static IReadOnlyList<string> Lines(IReadOnlyList<ResearchRoundReport> reports, TimeSpan elapsed, ResearchState state)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(state);
        var lines = new List<string> { $"experiments={reports.Count}" };
        if (reports.Count > 0)
        {
            double Mean(Func<ResearchRoundReport, TimeSpan> pick) => reports.Average(r => pick(r).TotalMilliseconds);
            var overhead = Mean(r => r.Discovery + r.Probe + r.Payment + r.Settle + r.Publish);
            var run = Mean(r => r.Run);
            lines.Add($"discovery_ms={F(Mean(r => r.Discovery))}");
            lines.Add($"probe_ms={F(Mean(r => r.Probe))}");
            lines.Add($"payment_ms={F(Mean(r => r.Payment))}");
            lines.Add($"settle_ms={F(Mean(r => r.Settle))}");
            lines.Add($"publish_ms={F(Mean(r => r.Publish))}");
            lines.Add($"overhead_ms={F(overhead)}");
            lines.Add($"run_ms={F(run)}");
            if (reports.Where(r => r.WorkerRunSeconds is not null).Select(r => r.WorkerRunSeconds!.Value).DefaultIfEmpty(double.NaN).Average() is var worker && !double.IsNaN(worker))
                lines.Add($"worker_run_ms={F(worker * 1000)}");
            lines.Add($"overhead_fraction={(overhead / (overhead + run)).ToString("0.000", CultureInfo.InvariantCulture)}");
            lines.Add($"experiments_per_minute={(reports.Count / elapsed.TotalMinutes).ToString("0.00", CultureInfo.InvariantCulture)}");
            lines.Add($"worker_failures={reports.Sum(r => r.Failures.Count)}");
            lines.Add($"paid_sat={reports.Sum(r => r.Result.PriceSats)}");
        }
        lines.Add($"best_val_bpb={state.BestValBpb?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-"}");
        return lines;
    }

    private static string F(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);
}
