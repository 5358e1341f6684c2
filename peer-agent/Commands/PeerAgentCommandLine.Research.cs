using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Inference;
using L402Train.PeerAgent.Research;
using Spectre.Console;

namespace L402Train.PeerAgent.Commands;

/// <summary>
/// <c>research …</c>: seed 004's autoresearch coordinator on Lightning. <c>discover</c>, <c>probe</c>,
/// <c>submit</c>, <c>leaderboard</c>, <c>loop</c> (THINK / CLAIM / RUN / PUBLISH over paid workers) and
/// <c>verify</c> (every results.jsonl line against its payment proof).
/// </summary>
public sealed partial class PeerAgentCommandLine
{
    private readonly Option<int> researchLimit = new("--limit") { Description = "Most workers (or lines) to show or use", DefaultValueFactory = _ => 20 };
    private readonly Option<string> researchResults = new("--results") { Description = "The research results: one JSON line per paid experiment", DefaultValueFactory = _ => Path.Combine("autoresearch", "results.jsonl") };
    private readonly Option<string?> researchConfig = new("--config") { Description = "JSON object merged over the experiment's config, e.g. {\"learning_rate\":0.001}" };
    private readonly Option<string?> researchCommand = new("--command") { Description = "For an archive: the command run in its folder (its last stdout line is a JSON object of metrics)" };
    private readonly Option<double> runTimeout = new("--run-timeout-s") { Description = "Give up on a worker (and try the next) when its run is not delivered by then", DefaultValueFactory = _ => 1800 };
    private readonly Argument<string?> experimentArgument = new("experiment") { Description = "A trainer config (.json), or an archive (.tar.gz or a folder) run with --command; none: the built-in trainer's defaults", Arity = ArgumentArity.ZeroOrOne };

    private Command ResearchCommand()
    {
        var command = new Command("research", "Autoresearch over paid workers: discover them in the coordinator's index, probe, pay per experiment (hold invoices), loop, publish with proof.");
        command.Subcommands.Add(ResearchDiscoverCommand());
        command.Subcommands.Add(ResearchProbeCommand());
        command.Subcommands.Add(ResearchSubmitCommand());
        command.Subcommands.Add(ResearchLeaderboardCommand());
        command.Subcommands.Add(ResearchLoopCommand());
        command.Subcommands.Add(ResearchVerifyCommand());
        return command;
    }

    private Command ResearchDiscoverCommand()
    {
        var command = new Command("discover", "List the workers the coordinator's index holds whose signed registrations verify (and why others are skipped).") { coordinator, researchLimit };
        command.SetAction(async (parse, ct) =>
        {
            if (Url(parse.GetValue(coordinator)) is not { } baseUri) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            if (parse.GetValue(researchLimit) is < 1 or > 1000) return await Fail(parse, "--limit must be between 1 and 1000");
            return await ResearchGuard(parse, async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var listing = await new WorkerIndex(http, baseUri).ListAsync(parse.GetValue(researchLimit), ct);
                var table = new Table().AddColumns("#", "worker", "agent id", "endpoint", "price (sat)", "best val_bpb", "status");
                var n = 0;
                foreach (var w in listing.Workers)
                    table.AddRow($"{++n}", Markup.Escape(w.Name), w.AgentId[..16] + "…", Markup.Escape(w.Endpoint.AbsoluteUri), $"{w.PriceSats}", Bpb(w.BestValBpb), "verified");
                foreach (var s in listing.Skipped) table.AddRow("-", "-", Markup.Escape(s.AgentId.Length > 16 ? s.AgentId[..16] + "…" : s.AgentId), "-", "-", "-", Markup.Escape($"skipped: {s.Reason}"));
                Screen(parse).Write(table);
                return listing.Workers.Count > 0 ? 0 : 1;
            });
        });
        return command;
    }

    private Command ResearchProbeCommand()
    {
        var endpoint = new Argument<string>("endpoint") { Description = "The worker's experiment URL (…/experiment)" };
        var command = new Command("probe", "Read a worker's price for an experiment from its 402, without paying.") { endpoint, experimentArgument, researchConfig, researchCommand };
        command.SetAction(async (parse, ct) =>
        {
            if (!Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https")) return await Fail(parse, "endpoint must be an http(s) URL such as http://127.0.0.1:8402/experiment");
            var (experiment, problem) = LoadExperiment(parse);
            if (experiment is null) return await Fail(parse, problem!);
            return await ResearchGuard(parse, async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var body = JsonSerializer.Serialize(experiment.Request(experiment.Config), ProtocolJson.Options);
                var offer = await L402Probe.ProbeAsync(http, target, HttpMethod.Post, body, ct);
                if (offer.Status != 402)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {target} answered {offer.Status}, not an L402 challenge");
                    return 1;
                }
                Screen(parse).Write(new Table().AddColumns("price (sat)", "invoice (sat)", "amount matches", "mode", "expires")
                    .AddRow(Sat(offer.AdvertisedSat), offer.InvoiceSat?.ToString(CultureInfo.InvariantCulture) ?? "none", offer.AmountMatches ? "yes" : "NO", offer.Mode,
                        offer.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"));
                return offer.AmountMatches && offer.Mode == "hold" ? 0 : 3;
            });
        });
        return command;
    }

    private Command ResearchSubmitCommand()
    {
        var endpoint = new Argument<string>("endpoint") { Description = "The worker's experiment URL (…/experiment)" };
        var state = new Option<string>("--state") { Description = "Where the paid-but-unfinished submission is kept, so a rerun resumes it instead of paying again", DefaultValueFactory = _ => Path.Combine("autoresearch", "submit-state.json") };
        var command = new Command("submit", "Pay one worker for one experiment (hold invoice: paid only when delivered), wait for it, and append the result with its proof to --results.")
        {
            endpoint, experimentArgument, researchConfig, researchCommand, lnd, macaroon, cert, budget, dailyBudget, researchResults, state, runTimeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https")) return await Fail(parse, "endpoint must be an http(s) URL such as http://127.0.0.1:8402/experiment");
            var (experiment, problem) = LoadExperiment(parse);
            if (experiment is null) return await Fail(parse, problem!);
            if (parse.GetValue(runTimeout) is not (> 0 and <= 7 * 24 * 3600)) return await Fail(parse, "--run-timeout-s must be more than 0");
            if (OpenWallet(parse) is not { } wallet) return await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required: the wallet that pays the worker");
            using var owned = wallet as IDisposable;
            return await ResearchGuard(parse, async () =>
            {
                using var market = Market(parse, wallet, new Uri(target, "/"));
                var worker = await market.Index.WorkerAtAsync(target, ct);
                var stateFile = new ResearchStateFile(parse.GetValue(state)!);
                var loop = new ResearchLoop(new SingleWorkerMarket(market, worker), new ClimbThinker(), experiment, stateFile, new ResearchResults(parse.GetValue(researchResults)!),
                    TimeProvider.System, ProgressTo(parse));
                var reports = await loop.RunAsync(new ResearchLoopOptions(1), ct);
                // Done: the next submit is a new purchase, so its state starts empty.
                File.Delete(stateFile.Path);
                if (reports.Count == 0) return await Fail(parse, "the worker refused the experiment; nothing was paid");
                WriteRounds(parse, reports);
                return 0;
            });
        });
        return command;
    }

    private Command ResearchLeaderboardCommand()
    {
        var command = new Command("leaderboard", "Best val_bpb per worker and overall: the index's signed registrations and your verified results.") { coordinator, researchLimit, researchResults };
        command.SetAction(async (parse, ct) =>
        {
            if (Url(parse.GetValue(coordinator)) is not { } baseUri) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            if (parse.GetValue(researchLimit) is < 1 or > 1000) return await Fail(parse, "--limit must be between 1 and 1000");
            return await ResearchGuard(parse, async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var listing = await new WorkerIndex(http, baseUri).ListAsync(1000, ct);
                var results = ResearchResults.Read(parse.GetValue(researchResults)!);
                var ranked = ResearchLeaderboard.Rank(listing.Workers, results, parse.GetValue(researchLimit));
                var table = new Table().AddColumns("#", "worker", "endpoint", "best val_bpb", "claimed (index)", "measured (yours)", "your runs", "best experiment");
                var n = 0;
                foreach (var e in ranked)
                    table.AddRow($"{++n}", Markup.Escape(e.Name), Markup.Escape(e.Endpoint), Bpb(e.Best), Bpb(e.AdvertisedBestValBpb), Bpb(e.LocalBestValBpb), $"{e.LocalExperiments}", Markup.Escape(e.BestExperimentId ?? "-"));
                var console = Screen(parse);
                console.Write(table);
                if (ranked.FirstOrDefault(e => e.Best is not null) is { } top) console.MarkupLineInterpolated($"overall best: {Bpb(top.Best)} by {top.Name} ({top.Endpoint})");
                return 0;
            });
        });
        return command;
    }

    private Command ResearchLoopCommand()
    {
        var prefer = new Option<string?>("--prefer") { Description = "A worker's experiment URL to use first whenever it is healthy" };
        var rounds = new Option<int>("--rounds") { Description = "Rounds to publish in all (a resumed loop counts those already published)", DefaultValueFactory = _ => 10 };
        var state = new Option<string>("--state") { Description = "The loop's state: best config, climb, the round in progress (a rerun resumes it and never pays twice)", DefaultValueFactory = _ => Path.Combine("autoresearch", "state.json") };
        var improver = new Option<string?>("--improver") { Description = "An OpenAI-compatible endpoint's base URL that proposes each next config (paid over L402 when it asks); default: the hill climb" };
        var improverModel = new Option<string>("--improver-model") { Description = "The model the improver is asked for", DefaultValueFactory = _ => "l402train-gpt" };
        var command = new Command("loop", "THINK (hill climb or --improver) / CLAIM (index, probe, cheapest healthy or --prefer) / RUN (pay the hold invoice, submit, long-poll, next worker on failure) / PUBLISH (results.jsonl with payment_hash and preimage).")
        {
            experimentArgument, researchConfig, researchCommand, prefer, rounds, coordinator, lnd, macaroon, cert, budget, dailyBudget, researchResults, state, researchLimit, runTimeout,
            improver, improverModel,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (Url(parse.GetValue(coordinator)) is not { } baseUri) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            var (experiment, problem) = LoadExperiment(parse);
            if (experiment is null) return await Fail(parse, problem!);
            if (parse.GetValue(rounds) is < 1 or > 100_000) return await Fail(parse, "--rounds must be between 1 and 100000");
            if (parse.GetValue(researchLimit) is < 1 or > 1000) return await Fail(parse, "--limit must be between 1 and 1000");
            if (parse.GetValue(runTimeout) is not (> 0 and <= 7 * 24 * 3600)) return await Fail(parse, "--run-timeout-s must be more than 0");
            Uri? preferred = null;
            if (parse.GetValue(prefer) is { } p && (!Uri.TryCreate(p, UriKind.Absolute, out preferred) || preferred.Scheme is not ("http" or "https")))
                return await Fail(parse, "--prefer must be a worker's experiment URL such as http://127.0.0.1:8402/experiment");
            Uri? improverUrl = null;
            if (parse.GetValue(improver) is { } i && (improverUrl = Url(i)) is null) return await Fail(parse, "--improver must be an http(s) base URL of an OpenAI-compatible endpoint");
            if (OpenWallet(parse) is not { } wallet) return await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required: the wallet that pays the workers");
            using var owned = wallet as IDisposable;
            return await ResearchGuard(parse, async () =>
            {
                using var market = Market(parse, wallet, baseUri);
                var progress = ProgressTo(parse);
                IResearchThinker thinker = new ClimbThinker();
                using var improverHttp = improverUrl is null ? null : new HttpClient(new L402PaymentHandler(wallet,
                    new L402ClientOptions { Budget = new L402Budget(new Sats(parse.GetValue(budget)), PerDay: new Sats(parse.GetValue(dailyBudget))) }) { InnerHandler = new SocketsHttpHandler() })
                { Timeout = TimeSpan.FromMinutes(5) };
                if (improverHttp is not null) thinker = new ChatConfigThinker(improverHttp, improverUrl!, parse.GetValue(improverModel)!, experiment, thinker, progress);
                var loop = new ResearchLoop(market, thinker, experiment, new ResearchStateFile(parse.GetValue(state)!), new ResearchResults(parse.GetValue(researchResults)!),
                    TimeProvider.System, progress);
                var started = TimeProvider.System.GetTimestamp();
                var reports = await loop.RunAsync(new ResearchLoopOptions(parse.GetValue(rounds), preferred), ct);
                var elapsed = TimeProvider.System.GetElapsedTime(started);
                foreach (var skipped in market.Skipped) progress.Report($"index: skipped {skipped.AgentId}: {skipped.Reason}");
                if (reports.Count > 0) WriteRounds(parse, reports);
                foreach (var line in ResearchFigures.Lines(reports, elapsed, loop.State)) await parse.InvocationConfiguration.Output.WriteLineAsync(line);
                return 0;
            });
        });
        return command;
    }

    private Command ResearchVerifyCommand()
    {
        var file = new Argument<string>("results") { Description = "The results file", DefaultValueFactory = _ => Path.Combine("autoresearch", "results.jsonl") };
        var command = new Command("verify", "Check every line of a results file: sha256(preimage) == payment_hash, the invoice is for that hash, asks the probed price and is signed by the worker's node.") { file };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) return await Fail(parse, $"{path} does not exist");
            IReadOnlyList<ResearchResult> results;
            try
            {
                results = ResearchResults.Read(path);
            }
            catch (FormatException e)
            {
                return await Fail(parse, e.Message);
            }
            var bad = 0;
            foreach (var (r, i) in results.Select((r, i) => (r, i + 1)))
            {
                var problems = ResearchResultCheck.Problems(r);
                if (problems.Count == 0) continue;
                bad++;
                await parse.InvocationConfiguration.Error.WriteLineAsync($"line {i} ({r.ExperimentId}): {string.Join("; ", problems)}");
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{results.Count - bad} of {results.Count} lines verify");
            return bad == 0 ? 0 : 1;
        });
        return command;
    }

    // The experiment argument with --config and --command, checked by building its request; or what to fix.
    private (ResearchExperiment? Experiment, string? Problem) LoadExperiment(ParseResult parse)
    {
        try
        {
            var experiment = ResearchExperiment.Load(parse.GetValue(experimentArgument), parse.GetValue(researchConfig), parse.GetValue(researchCommand));
            experiment.Request(experiment.Config);
            return (experiment, null);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return (null, e.Message);
        }
    }

    private HttpWorkerMarket Market(ParseResult parse, ILightningNode wallet, Uri index) =>
        new(wallet, new WorkerMarketOptions(index, parse.GetValue(researchLimit),
            new L402ClientOptions { Budget = new L402Budget(new Sats(parse.GetValue(budget)), PerDay: new Sats(parse.GetValue(dailyBudget))) },
            TimeSpan.FromSeconds(parse.GetValue(runTimeout)), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)));

    private static LineProgress ProgressTo(ParseResult parse)
    {
        var error = parse.InvocationConfiguration.Error;
        return new LineProgress(line => error.WriteLine(line));
    }

    private static void WriteRounds(ParseResult parse, IReadOnlyList<ResearchRoundReport> reports)
    {
        var table = new Table().AddColumns("round", "experiment", "move", "val_bpb", "status", "worker", "paid (sat)", "run s", "overhead s");
        foreach (var r in reports)
        {
            var overhead = r.Discovery + r.Probe + r.Payment + r.Settle + r.Publish;
            table.AddRow($"{r.Result.Round}", Markup.Escape(r.Result.ExperimentId), Markup.Escape(r.Result.Move), Bpb(r.Result.ValBpb) + (r.Improved ? " *" : ""), r.Result.Status,
                Markup.Escape(r.Result.WorkerEndpoint), $"{r.Result.PriceSats}", $"{r.Run.TotalSeconds:0.00}", $"{overhead.TotalSeconds:0.00}");
        }
        Screen(parse).Write(table);
    }

    private static string Bpb(double? value) => value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-";

    private static async Task<int> ResearchGuard(ParseResult parse, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is ResearchException or WorkerFailedException or ArgumentException or HttpRequestException or LightningException or IOException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
