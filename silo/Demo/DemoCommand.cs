using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Gateway.Apis;
using L402Train.PeerAgent.Training;
using Spectre.Console;

namespace L402Train.Silo.Demo;

/// <summary><c>silo demo</c>: an embedded cluster with in-process peers (training rounds) and agents (a bounty), live tables and a JSON report.</summary>
internal static class DemoCommand
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
        var track = new Option<string>("--track") { Description = "What to run: training, bounties or all", DefaultValueFactory = _ => "all" };
        var bountyAgents = new Option<int>("--bounty-agents") { Description = "Honest hill-climbing agents on the bounty (besides the gamer, the attacker and the copier)", DefaultValueFactory = _ => 2 };
        var bountyIterations = new Option<int>("--bounty-iterations") { Description = "Local proposals per honest agent", DefaultValueFactory = _ => 30 };
        var bwrap = new Option<string>("--bwrap") { Description = "The bubblewrap executable the bounty track evaluates under (apt-get install bubblewrap)", DefaultValueFactory = _ => Hosting.SiloSettings.DefaultBubblewrapPath };
        var command = new Command("demo", "Run an embedded cluster (SQLite, simnet) with in-process peers and agents: training rounds and a bounty, verdicts, deposits and rewards.")
        {
            peers, rounds, profiles, report, innerSteps, dataDir, track, bountyAgents, bountyIterations, bwrap,
        };
        var corpusOption = Commands.CorpusChoice.CreateOption();
        command.Options.Add(corpusOption);
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
            var which = parse.GetValue(track);
            if (which is not ("training" or "bounties" or "all")) { await error.WriteLineAsync("error: --track must be training, bounties or all"); return 2; }
            if (parse.GetValue(bountyAgents) is < 1 or > 16) { await error.WriteLineAsync("error: --bounty-agents must be between 1 and 16"); return 2; }
            if (parse.GetValue(bountyIterations) is < 1 or > 10_000) { await error.WriteLineAsync("error: --bounty-iterations must be between 1 and 10000"); return 2; }
            var all = Enumerable.Range(0, count).Select(i => chosen[i % chosen.Count]).ToList();
            var folder = parse.GetValue(dataDir) ?? Path.Combine(Path.GetTempPath(), $"l402train-demo-{Guid.NewGuid():N}"[..32]);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parse.InvocationConfiguration.Output) });
            if (!console.Profile.Capabilities.Interactive) console.Profile.Width = 160;
            var json = new JsonObject();
            var reconciled = true;
            var bubblewrap = Path.GetFullPath(parse.GetValue(bwrap)!);
            // Asked once, before anything starts: without the sandbox the training track still runs and the bounties are skipped with the reason.
            var sandboxProblem = await DemoSandbox.ProblemAsync(bubblewrap, cancellationToken);
            if (sandboxProblem is not null && which == "bounties")
            {
                await error.WriteLineAsync($"error: --track bounties needs the sandbox: {sandboxProblem}");
                return 2;
            }
            // Plain lines, not console markup: the console wraps long lines at its width, and these must stay one line each in logs.
            var output = parse.InvocationConfiguration.Output;
            if (sandboxProblem is not null) await output.WriteLineAsync($"bounty track skipped: {sandboxProblem}");
            if (which is "training" or "all")
            {
                var corpus = await Commands.CorpusChoice.ResolveAsync(parse.GetValue(corpusOption), output, error);
                if (corpus is null) return 2;
                var options = new DemoOptions(all, parse.GetValue(rounds), parse.GetValue(innerSteps), folder)
                {
                    BubblewrapPath = bubblewrap,
                    ValidatesBounties = sandboxProblem is null,
                    Corpus = corpus,
                };
                var result = await new DemoRunner(options, console).RunAsync(cancellationToken);
                json = (JsonObject)JsonSerializer.SerializeToNode(result, HttpJson.Options)!;
                reconciled = result.LedgerReconciled;
            }
            if (which is "bounties" or "all")
            {
                var bounties = new JsonArray();
                if (sandboxProblem is null)
                {
                    var options = new BountyDemoOptions(Path.Combine(folder, "bounties"), parse.GetValue(bountyAgents), parse.GetValue(bountyIterations)) { BubblewrapPath = bubblewrap };
                    var bounty = await new BountyDemoRunner(options, console).RunAsync(cancellationToken);
                    bounties.Add(JsonSerializer.SerializeToNode(bounty, HttpJson.Options));
                    reconciled &= bounty.LedgerReconciled;
                }
                json["bounties"] = bounties;
            }
            // The folder is a fresh temporary one unless --data-dir named it: say where the cluster's files are.
            await output.WriteLineAsync($"cluster data (SQLite, blobs, simnet, results.jsonl): {folder}");
            if (parse.GetValue(report) is { } path)
            {
                await File.WriteAllTextAsync(path, json.ToJsonString(new JsonSerializerOptions(HttpJson.Options) { WriteIndented = true }), cancellationToken);
                console.MarkupLine($"report written to [bold]{Markup.Escape(path)}[/]");
            }
            return reconciled ? 0 : 1;
        });
        return command;
    }
}
