using System.CommandLine;
using System.Globalization;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Lightning.Lnd;
using L402Train.PeerAgent.Training;
using Spectre.Console;

namespace L402Train.PeerAgent.Commands;

/// <summary>The <c>peer-agent</c> command line: <c>train</c>, <c>status</c>, <c>balance</c>, <c>bounty …</c>, <c>pay</c>, <c>wallet</c>.</summary>
public sealed partial class PeerAgentCommandLine
{
    private readonly Option<string> coordinator = new("--coordinator") { Description = "The coordinator's base URL", DefaultValueFactory = _ => "http://127.0.0.1:8402/" };
    private readonly Option<string?> lnd = new("--lnd") { Description = "Your LND REST URL (a real node, or a simnet node: http://127.0.0.1:8402/simnet/<name>/)" };
    private readonly Option<string?> macaroon = new("--macaroon") { Description = "Macaroon for LND: hex, or a path to the .macaroon file" };
    private readonly Option<string?> cert = new("--lnd-cert") { Description = "LND's tls.cert to pin (https only)" };
    private readonly Option<long> budget = new("--budget-sat") { Description = "Most sats paid per request (deposits included)", DefaultValueFactory = _ => 10_000 };
    private readonly Option<long> dailyBudget = new("--daily-budget-sat") { Description = "Most sats paid per day", DefaultValueFactory = _ => 100_000 };

    /// <summary>Builds the commands.</summary>
    public PeerAgentCommandLine()
    {
        Root = new RootCommand("L402Train peer agent: train for a coordinator and get paid over Lightning.");
        Root.Subcommands.Add(TrainCommand());
        Root.Subcommands.Add(StatusCommand());
        Root.Subcommands.Add(BalanceCommand());
        Root.Subcommands.Add(BountyCommand());
        Root.Subcommands.Add(PayCommand());
        Root.Subcommands.Add(WalletCommand());
        Root.Subcommands.Add(ProbeCommand());
        Root.Subcommands.Add(InferCommand());
        Root.Subcommands.Add(DiscoverCommand());
        Root.Subcommands.Add(ResearchCommand());
    }

    /// <summary>The root command.</summary>
    public RootCommand Root { get; }

    /// <summary>Runs <paramref name="args"/>.</summary>
    public Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null) =>
        Root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output ?? System.Console.Out, Error = error ?? System.Console.Error });

    private Command TrainCommand()
    {
        var rounds = new Option<int>("--rounds") { Description = "Rounds to take part in", DefaultValueFactory = _ => 1 };
        var steps = new Option<int>("--inner-steps") { Description = "K: local steps per round", DefaultValueFactory = _ => 30 };
        var peerId = new Option<string?>("--peer-id") { Description = "Your name at the coordinator (default: your node id)" };
        var seed = new Option<ulong>("--data-seed") { Description = "Seed of your batch sampling", DefaultValueFactory = _ => 1 };
        var corpus = new Option<string?>("--corpus") { Description = $"The training text you expect ({string.Join(" | ", L402Train.Model.Corpus.CorpusNames.All)}); the coordinator decides, and a different one stops here. Default: whatever it runs" };
        var command = new Command("train", "Sync, train K local steps, submit the compressed pseudo-gradient behind a deposit, wait for the verdict, claim the reward.")
        {
            coordinator, lnd, macaroon, cert, budget, dailyBudget, rounds, steps, peerId, seed, walletDir, corpus,
        };
        command.Subcommands.Add(TrainClaimCommand());
        command.SetAction(async (parse, ct) =>
        {
            if (Url(parse.GetValue(coordinator)) is not { } baseUri) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            var expected = parse.GetValue(corpus);
            if (expected is not null && L402Train.Model.Corpus.CorpusNames.Parse(expected) is null)
                return await Fail(parse, $"--corpus must be one of {string.Join(", ", L402Train.Model.Corpus.CorpusNames.All)}");
            if (OpenWallet(parse) is not { } wallet) return await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required: the wallet that pays deposits and receives rewards");
            using var owned = wallet as IDisposable;
            if (expected is not null)
            {
                // The corpus is the coordinator's choice (its validators score on the held-out side of it): only check it.
                using var plain = new HttpClient { BaseAddress = baseUri };
                var running = (await new CoordinatorClient(plain).StatusAsync(ct)).Training?.Setup.Corpus;
                if (running is not null && !string.Equals(running, L402Train.Model.Corpus.CorpusNames.Parse(expected), StringComparison.Ordinal))
                    return await Fail(parse, $"--corpus {expected}: the coordinator trains on '{running}'");
            }
            var console = Screen(parse);
            var id = parse.GetValue(peerId) ?? (await wallet.GetInfoAsync(ct)).Id.ToHex()[..16];
            await ResumeClaimsAsync(parse, Claims.ClaimKinds.Training, baseUri, wallet, console, ct);
            using var http = Coordinator(parse, wallet);
            var trainer = new PeerTrainer(new CoordinatorClient(http), wallet, id, PeerProfile.Honest,
                new PeerTrainerOptions { InnerSteps = parse.GetValue(steps), DataSeed = parse.GetValue(seed), Threads = 0 }, TimeProvider.System,
                progress: new LineProgress(line => console.MarkupLineInterpolated($"[grey]{line}[/]")));
            var table = new Table().AddColumns("round", "version", "verdict", "score", "deposit", "reward (sat)", "train s", "upload s", "verdict s");
            for (var r = 0; r < parse.GetValue(rounds); r++)
            {
                var result = await console.Status().StartAsync($"round {r + 1}: training and submitting", _ => trainer.RunRoundAsync(ct));
                table.AddRow($"{result.Round}", $"v{result.BaseVersion}", result.Verdict ?? "-", result.Score?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-",
                    result.Deposit, $"{result.RewardSats}", $"{result.TrainSeconds:0.0}", $"{result.UploadSeconds:0.0}", $"{result.VerdictSeconds:0.0}");
            }
            console.Write(table);
            // The peer waited for its own verdicts; an earlier run's submission filed in the same round may still be
            // validating, so wait for it too rather than leave a claim behind that this run could finish.
            await FinishClaimsAsync(parse, Claims.ClaimKinds.Training, baseUri, wallet, console, waitForVerdict: true, ct);
            return 0;
        });
        return command;
    }

    private Command StatusCommand()
    {
        var command = new Command("status", "The coordinator's round, checkpoint version and prices.") { coordinator };
        command.SetAction(async (parse, ct) =>
        {
            if (Url(parse.GetValue(coordinator)) is not { } baseUri) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            using var http = new HttpClient { BaseAddress = baseUri };
            var status = await new CoordinatorClient(http).StatusAsync(ct);
            var console = Screen(parse);
            if (status.Training is not { } t) { console.MarkupLine("the coordinator runs no training"); return 0; }
            console.Write(new Table().AddColumns("round", "status", "base version", "deadline", "model", "deposit (sat)", "checkpoint (sat)")
                .AddRow($"{t.Round}", t.RoundStatus, $"v{t.BaseVersion}", t.Deadline.ToString("u", CultureInfo.InvariantCulture), t.Setup.Model, $"{t.DepositSats}", $"{t.CheckpointPriceSats}"));
            return 0;
        });
        return command;
    }

    private Command BalanceCommand()
    {
        var command = new Command("balance", "Your wallet's channel balances.") { lnd, macaroon, cert };
        command.SetAction(async (parse, ct) =>
        {
            if (OpenWallet(parse) is not { } wallet) return await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required");
            using var owned = wallet as IDisposable;
            var balance = await wallet.GetBalanceAsync(ct);
            Screen(parse).Write(new Table().AddColumns("spendable (sat)", "receivable (sat)", "locked out (sat)", "locked in (sat)")
                .AddRow($"{balance.Local.ToSatsFloor().Value}", $"{balance.Remote.ToSatsFloor().Value}", $"{balance.PendingOutgoing.ToSatsFloor().Value}", $"{balance.PendingIncoming.ToSatsFloor().Value}"));
            return 0;
        });
        return command;
    }

    private ILightningNode? OpenWallet(ParseResult parse)
    {
        if (Url(parse.GetValue(lnd)) is not { } url || parse.GetValue(macaroon) is not { } mac) return null;
        var hex = File.Exists(mac) ? LndRestOptions.ReadMacaroonHex(mac) : mac;
        return new LndRestClient(new LndRestOptions(url, hex, parse.GetValue(cert)));
    }

    private HttpClient Coordinator(ParseResult parse, ILightningNode wallet)
    {
        var budgetOptions = new L402ClientOptions
        {
            Budget = new L402Budget(new Sats(parse.GetValue(budget)), PerDay: new Sats(parse.GetValue(dailyBudget))),
        };
        // Each deposit is saved with its credential the moment it is locked, so a lost connection can be claimed later (`train claim`).
        var claims = new Claims.PendingClaimSink(ClaimsOf(parse), Url(parse.GetValue(coordinator))!);
        return new HttpClient(new L402PaymentHandler(wallet, budgetOptions, receipts: claims) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = Url(parse.GetValue(coordinator)),
            Timeout = TimeSpan.FromMinutes(10),
        };
    }

    // A base URL with a trailing slash, so relative paths append to it.
    private static Uri? Url(string? text) =>
        Uri.TryCreate(text?.EndsWith('/') == true ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    private static IAnsiConsole Screen(ParseResult parse)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parse.InvocationConfiguration.Output) });
        // Redirected output has no terminal width; a wide default keeps table cells on one line for logs and scripts.
        if (System.Console.IsOutputRedirected || parse.InvocationConfiguration.Output != System.Console.Out) console.Profile.Width = Math.Max(console.Profile.Width, 160);
        return console;
    }

    // Reports on the caller's thread. Progress<T> posts to the captured synchronization context,
    // so its lines could arrive after the command returned and its writer was closed.
    private sealed class LineProgress(Action<string> write) : IProgress<string>
    {
        public void Report(string value) => write(value);
    }

    private static async Task<int> Fail(ParseResult parse, string message)
    {
        await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {message}");
        return 2;
    }
}
