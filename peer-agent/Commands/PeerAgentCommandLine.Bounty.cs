using System.CommandLine;
using System.Globalization;
using L402Train.Bounties.Improvers;
using L402Train.PeerAgent.Bounties;
using Spectre.Console;

namespace L402Train.PeerAgent.Commands;

/// <summary>The <c>bounty</c> command group: list, show, run, submit, leaderboard.</summary>
public sealed partial class PeerAgentCommandLine
{
    private readonly Option<string> results = new("--results") { Description = "The provenance log: one JSON line per paid action", DefaultValueFactory = _ => "results.jsonl" };
    private readonly Option<string?> agentName = new("--agent") { Description = "Your name at the coordinator (default: your node id)" };
    private static readonly string[] Statuses = ["awaiting_funding", "active", "closed"];

    private Command BountyCommand()
    {
        var command = new Command("bounty", "Autoresearch bounties: buy a task, improve it locally, submit the diff behind a deposit, get paid.");
        command.Subcommands.Add(BountyListCommand());
        command.Subcommands.Add(BountyShowCommand());
        command.Subcommands.Add(BountyRunCommand());
        command.Subcommands.Add(BountySubmitCommand());
        command.Subcommands.Add(BountyLeaderboardCommand());
        command.Subcommands.Add(BountyClaimCommand());
        command.Subcommands.Add(BountyExampleCommand());
        command.Subcommands.Add(BountyCreateCommand());
        return command;
    }

    private Command BountyListCommand()
    {
        var status = new Option<string?>("--status") { Description = "Only bounties in this state: awaiting_funding, active or closed" };
        var command = new Command("list", "The coordinator's bounties.") { coordinator, status };
        command.SetAction(async (parse, ct) =>
        {
            if (Url(parse.GetValue(coordinator)) is not { } baseUri) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            if (parse.GetValue(status) is { } s && !Statuses.Contains(s)) return await Fail(parse, $"--status must be one of {string.Join(", ", Statuses)}");
            return await Guard(parse, async () =>
            {
                using var http = new HttpClient { BaseAddress = baseUri };
                var bounties = await new BountyClient(http).ListAsync(parse.GetValue(status), ct);
                var table = new Table().AddColumns("id", "title", "status", "metric", "best", "version", "remaining (sat)", "total (sat)", "deadline");
                foreach (var b in bounties)
                {
                    table.AddRow(Markup.Escape(b.Id), Markup.Escape(b.Title), b.Status, $"{Markup.Escape(b.Metric)} ({b.Direction})", Score(b.BestScore), $"v{b.Version}",
                        $"{b.RemainingSats}", $"{b.TotalSats}", b.Deadline.ToString("u", CultureInfo.InvariantCulture));
                }
                Screen(parse).Write(table);
                return 0;
            });
        });
        return command;
    }

    private Command BountyShowCommand()
    {
        var id = new Argument<string>("id") { Description = "The bounty id" };
        var outDir = new Option<string?>("--out") { Description = "Unpack the baseline tree (with the public set) into this empty folder (default: a new folder <id>-v<version>-… here)" };
        var command = new Command("show", "Buy a bounty's task (the L402 fee): print it and unpack the current best tree.")
        {
            id, coordinator, lnd, macaroon, cert, budget, dailyBudget, outDir, results, agentName, walletDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (await BountySettings(parse) is not { } settings) return 2;
            using var session = settings;
            return await Guard(parse, async () =>
            {
                var agent = await session.AgentAsync(parse, ct, workDir: Directory.GetCurrentDirectory());
                var bountyId = parse.GetValue(id)!;
                var workspace = await agent.DownloadAsync(bountyId, ct, parse.GetValue(outDir));
                var b = workspace.Bounty;
                var console = Screen(parse);
                var grid = new Grid().AddColumn().AddColumn();
                void Row(string key, string value) => grid.AddRow(new Text(key), new Text(value));
                Row("id", b.Id);
                Row("title", b.Title);
                Row("status", b.Status);
                Row("metric", $"{b.Metric} ({b.Direction}), best {Score(b.BestScore)} at v{b.Version}");
                Row("eval", b.EvalCommand);
                Row("targets", string.Join(", ", b.TargetFiles));
                Row("reward", string.Create(CultureInfo.InvariantCulture, $"{b.RateSatsPerUnit} sat per unit of improvement, minimum {b.MinImprovement}, {b.RemainingSats} sat left, fee {b.CoordinatorFeePct}%"));
                Row("limits", $"diff ≤ {b.MaxDiffBytes} bytes, eval {b.EvalTimeoutS} s / {b.EvalMemoryMb} MiB, {b.Repeats} repeat(s)");
                Row("held-out", $"sha256 {b.HeldOutHash}");
                Row("deadline", b.Deadline.ToString("u", CultureInfo.InvariantCulture));
                Row("baseline", workspace.Folder);
                console.Write(grid);
                if (b.Description is { Length: > 0 } d) console.WriteLine(d);
                return 0;
            });
        });
        return command;
    }

    private Command BountyRunCommand()
    {
        var id = new Argument<string>("id") { Description = "The bounty id" };
        var improver = new Option<string>("--improver") { Description = "hill (search over numbers and options) or openai (an OpenAI-compatible chat endpoint)", DefaultValueFactory = _ => "hill" };
        var iterations = new Option<int>("--iterations") { Description = "Proposals to evaluate locally", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "Seed of the hill climber", DefaultValueFactory = _ => 1 };
        var llmUrl = new Option<string?>("--llm-url") { Description = "Base URL of the chat endpoint (POST {url}/v1/chat/completions); L402 prices are paid" };
        var llmModel = new Option<string>("--llm-model") { Description = "Model name for the chat endpoint", DefaultValueFactory = _ => "gpt-4o-mini" };
        var llmKey = new Option<string?>("--llm-key") { Description = "Bearer key for the chat endpoint (default: $OPENAI_API_KEY)" };
        var sandbox = new Option<string>("--sandbox") { Description = "Evaluate the sponsor's code in bubblewrap: auto (when installed), on, off", DefaultValueFactory = _ => "auto" };
        var workDir = new Option<string?>("--work-dir") { Description = "Where baselines are unpacked (default: a temporary folder)" };
        var noCommit = new Option<bool>("--no-commit") { Description = "Reveal the diff without registering sha256(diff ‖ nonce) first" };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of download, improve and submit (each starts from the current best, so a stale verdict is rebased by the next)", DefaultValueFactory = _ => 1 };
        var command = new Command("run", "Buy the task, improve it locally (keep or discard), commit to the best diff, submit it behind the deposit, claim the reward.")
        {
            id, coordinator, lnd, macaroon, cert, budget, dailyBudget, results, agentName, improver, iterations, seed, llmUrl, llmModel, llmKey, sandbox, workDir, noCommit, rounds,
            walletDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var kind = parse.GetValue(improver);
            if (kind is not ("hill" or "openai")) return await Fail(parse, "--improver must be hill or openai");
            if (parse.GetValue(iterations) is < 1 or > 100_000) return await Fail(parse, "--iterations must be between 1 and 100000");
            if (parse.GetValue(rounds) is < 1 or > 1000) return await Fail(parse, "--rounds must be between 1 and 1000");
            if (parse.GetValue(sandbox) is not ("auto" or "on" or "off")) return await Fail(parse, "--sandbox must be auto, on or off");
            Uri? llm = null;
            if (kind == "openai" && (llm = Url(parse.GetValue(llmUrl))) is null) return await Fail(parse, "--llm-url (an http(s) URL) is required with --improver openai");
            if (await BountySettings(parse) is not { } settings) return 2;
            using var session = settings;
            return await Guard(parse, async () =>
            {
                var console = Screen(parse);
                await ResumeClaimsAsync(parse, Claims.ClaimKinds.Bounty, session.Coordinator, session.Wallet, console, ct);
                // Disposed at the end: it deletes the staged copy of the public set its runs shared.
                using var bubblewrap = await SandboxAsync(parse.GetValue(sandbox)!, console, ct);
                var agent = await session.AgentAsync(parse, ct, bubblewrap, parse.GetValue(workDir), parse.GetValue(iterations), !parse.GetValue(noCommit),
                    new LineProgress(line => console.MarkupLineInterpolated($"[grey]{line}[/]")));
                using var llmHttp = llm is null ? null : session.PayingClient(new ProvenanceReceiptSink(session.Log, "llm", parse.GetValue(id), agent.Options.Agent));
                var round = 0;
                ImproverFactory factory = kind == "hill"
                    ? _ => new HillClimbingImprover(new HillClimbingOptions(parse.GetValue(seed) + round))
                    : w => new ChatModelImprover(llmHttp!, new ChatModelOptions(llm!, parse.GetValue(llmModel)!,
                        parse.GetValue(llmKey) ?? Environment.GetEnvironmentVariable("OPENAI_API_KEY"),
                        $"{w.Bounty.Title}. {w.Bounty.Description} Metric: {w.Bounty.Metric}. Eval: {w.Bounty.EvalCommand}.", w.Policy));
                for (; round < parse.GetValue(rounds); round++)
                {
                    var run = await console.Status().StartAsync($"round {round + 1}: working on {parse.GetValue(id)}", _ => agent.RunAsync(parse.GetValue(id)!, factory, ct));
                    PrintRun(console, run);
                    if (run.Outcome is null) break; // nothing better found, or the bounty is no longer active
                }
                await FinishClaimsAsync(parse, Claims.ClaimKinds.Bounty, session.Coordinator, session.Wallet, console, waitForVerdict: false, ct);
                return 0;
            });
        });
        return command;
    }

    private Command BountySubmitCommand()
    {
        var id = new Argument<string>("id") { Description = "The bounty id" };
        var diffFile = new Option<string?>("--diff") { Description = "The unified diff to submit" };
        var nonce = new Option<string?>("--nonce") { Description = "Commit with this nonce first (default: a random one; see --no-commit)" };
        var claimed = new Option<double?>("--claimed-score") { Description = "The public score you measured" };
        var noCommit = new Option<bool>("--no-commit") { Description = "Reveal the diff without registering sha256(diff ‖ nonce) first" };
        var command = new Command("submit", "Submit a diff against the current version behind the hold deposit, wait for the verdict, claim the reward.")
        {
            id, diffFile, nonce, claimed, noCommit, coordinator, lnd, macaroon, cert, budget, dailyBudget, results, agentName, walletDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(diffFile) is not { } path || !File.Exists(path)) return await Fail(parse, "--diff must name an existing diff file");
            if (parse.GetValue(noCommit) && parse.GetValue(nonce) is not null) return await Fail(parse, "--nonce and --no-commit contradict each other");
            if (await BountySettings(parse) is not { } settings) return 2;
            using var session = settings;
            return await Guard(parse, async () =>
            {
                var console = Screen(parse);
                var agent = await session.AgentAsync(parse, ct, commitFirst: !parse.GetValue(noCommit),
                    progress: new LineProgress(line => console.MarkupLineInterpolated($"[grey]{line}[/]")));
                var diff = await File.ReadAllTextAsync(path, ct);
                // The version to build on comes with the task, so a submission is never knowingly stale.
                var bounty = await agent.BuyAsync(parse.GetValue(id)!, ct);
                var outcome = await console.Status().StartAsync("waiting for the verdict",
                    _ => agent.SubmitAsync(bounty, diff, parse.GetValue(claimed), ct, parse.GetValue(nonce)));
                PrintOutcome(console, outcome);
                // The submission is finished: its saved claim is forgotten (a lost connection would have left it for `bounty claim`).
                await FinishClaimsAsync(parse, Claims.ClaimKinds.Bounty, session.Coordinator, session.Wallet, console, waitForVerdict: false, ct, outcome.SubmissionId);
                return outcome.Status == "accepted" ? 0 : 1;
            });
        });
        return command;
    }

    private Command BountyLeaderboardCommand()
    {
        var id = new Argument<string>("id") { Description = "The bounty id" };
        var command = new Command("leaderboard", "Accepted improvements of a bounty, best first.") { id, coordinator };
        command.SetAction(async (parse, ct) =>
        {
            if (Url(parse.GetValue(coordinator)) is not { } baseUri) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            return await Guard(parse, async () =>
            {
                using var http = new HttpClient { BaseAddress = baseUri };
                var board = await new BountyClient(http).LeaderboardAsync(parse.GetValue(id)!, ct);
                var console = Screen(parse);
                console.MarkupLineInterpolated($"{board.BountyId}: best {Score(board.BestScore)} at v{board.Version} (baseline {Score(board.BaselineScore)})");
                var table = new Table().AddColumns("rank", "agent", "held-out", "improvement", "reward (sat)", "version", "submission", "accepted");
                foreach (var e in board.Entries)
                {
                    table.AddRow($"{e.Rank}", Markup.Escape(e.Agent ?? "-"), Score(e.HeldoutScore), Score(e.Improvement), $"{e.RewardSats}", $"v{e.Version}",
                        e.SubmissionId.Length > 12 ? e.SubmissionId[..12] + "…" : e.SubmissionId, e.AcceptedAt.ToString("u", CultureInfo.InvariantCulture));
                }
                console.Write(table);
                return 0;
            });
        });
        return command;
    }
}
