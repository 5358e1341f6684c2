using System.CommandLine;
using System.Text.Json;
using L402Train.Gateway.Apis;
using L402Train.PeerAgent.Training;
using Spectre.Console;

namespace L402Train.Silo.Demo;

/// <summary><c>silo demo</c>: an embedded cluster and in-process peers for R rounds, with a live table and a JSON report.</summary>
public static class DemoCommand
{
    /// <summary>Default profiles: four honest peers.</summary>
    public const string DefaultProfiles = "honest,honest,honest,honest";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var peers = new Option<int?>("--peers") { Description = "Number of peers (default: one per profile, or 4)" };
        var rounds = new Option<int>("--rounds") { Description = "Rounds to run", DefaultValueFactory = _ => 5 };
        var profiles = new Option<string?>("--profiles") { Description = $"Comma-separated peer profiles: {string.Join(", ", PeerProfiles.Names)} (default {DefaultProfiles})" };
        var report = new Option<string?>("--report") { Description = "Write the JSON report to this file" };
        var innerSteps = new Option<int>("--inner-steps") { Description = "K: local steps per round", DefaultValueFactory = _ => 30 };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder for the embedded cluster (default: a fresh temporary folder)" };
        var command = new Command("demo", "Run an embedded cluster (SQLite, simnet) with in-process peers: training rounds, verdicts, deposits and rewards.")
        {
            peers, rounds, profiles, report, innerSteps, dataDir,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            List<PeerProfile> chosen;
            try
            {
                chosen = [.. (parse.GetValue(profiles) ?? DefaultProfiles).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(PeerProfiles.Parse)];
            }
            catch (FormatException ex)
            {
                await error.WriteLineAsync($"error: --profiles: {ex.Message}");
                return 2;
            }
            var count = parse.GetValue(peers) ?? chosen.Count;
            if (count < 1 || count > 32) { await error.WriteLineAsync("error: --peers must be between 1 and 32"); return 2; }
            if (parse.GetValue(rounds) is < 1 or > 1000) { await error.WriteLineAsync("error: --rounds must be between 1 and 1000"); return 2; }
            if (parse.GetValue(innerSteps) is < 1 or > 10_000) { await error.WriteLineAsync("error: --inner-steps must be between 1 and 10000"); return 2; }
            if (chosen.Count == 0) { await error.WriteLineAsync("error: --profiles names no profile"); return 2; }
            var all = Enumerable.Range(0, count).Select(i => chosen[i % chosen.Count]).ToList();
            var folder = parse.GetValue(dataDir) ?? Path.Combine(Path.GetTempPath(), $"l402train-demo-{Guid.NewGuid():N}"[..32]);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parse.InvocationConfiguration.Output) });
            if (!console.Profile.Capabilities.Interactive) console.Profile.Width = 160;
            var result = await new DemoRunner(new DemoOptions(all, parse.GetValue(rounds), parse.GetValue(innerSteps), folder), console).RunAsync(cancellationToken);
            if (parse.GetValue(report) is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, new JsonSerializerOptions(HttpJson.Options) { WriteIndented = true }), cancellationToken);
                console.MarkupLine($"report written to [bold]{Markup.Escape(path)}[/]");
            }
            return result.LedgerReconciled ? 0 : 1;
        });
        return command;
    }
}
