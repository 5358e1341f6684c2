using System.CommandLine;
using System.Globalization;
using L402Train.Bounties.Sandbox;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using Spectre.Console;

namespace L402Train.PeerAgent.Commands;

/// <summary>What the bounty commands share: the wallet, the paying HTTP clients, the provenance log, error handling and printing.</summary>
public sealed partial class PeerAgentCommandLine
{
    /// <summary>Opens the wallet and the paying client, or prints which setting is wrong and returns null (exit code 2).</summary>
    private async Task<BountySession?> BountySettings(ParseResult parse)
    {
        if (Url(parse.GetValue(coordinator)) is not { } baseUri)
        {
            await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            return null;
        }
        if (OpenWallet(parse) is not { } wallet)
        {
            await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required: the wallet that pays fees and deposits and receives rewards");
            return null;
        }
        var budgetOptions = new L402ClientOptions { Budget = new L402Budget(new Sats(parse.GetValue(budget)), PerDay: new Sats(parse.GetValue(dailyBudget))) };
        return new BountySession(baseUri, wallet, budgetOptions, new ProvenanceLog(parse.GetValue(results)!, TimeProvider.System), agentName, ClaimsOf(parse));
    }

    /// <summary>Runs a command body; a refused payment, an HTTP error or a timeout ends it with its message and exit code 1.</summary>
    private static async Task<int> Guard(ParseResult parse, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (SandboxUnavailableException e)
        {
            return await Fail(parse, $"--sandbox on: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or L402PaymentRefusedException or TimeoutException or IOException or InvalidDataException or LightningException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static async Task<BubblewrapSandbox?> SandboxAsync(string mode, IAnsiConsole console, CancellationToken ct)
    {
        if (mode == "off") return null;
        var sandbox = new BubblewrapSandbox(new SandboxOptions(), TimeProvider.System);
        try
        {
            await sandbox.EnsureAvailableAsync(ct);
            return sandbox;
        }
        catch (SandboxUnavailableException e) when (mode == "auto")
        {
            console.MarkupLineInterpolated($"[yellow]evaluating without a sandbox[/]: {e.Message}");
            return null;
        }
    }

    private static void PrintRun(IAnsiConsole console, BountyRunResult run)
    {
        var kept = run.Steps.Count(s => s.Kept);
        console.MarkupLineInterpolated($"{run.Bounty.Id} v{run.Bounty.Version}: public {Score(run.BaselineScore)} -> {Score(run.LocalBestScore)} ({run.Steps.Count} proposals, {kept} kept)");
        if (run.Outcome is { } outcome) PrintOutcome(console, outcome);
        else console.MarkupLineInterpolated($"nothing submitted: {run.Skipped}");
    }

    private static void PrintOutcome(IAnsiConsole console, BountySubmissionOutcome o) =>
        console.Write(new Table().AddColumns("submission", "verdict", "reason", "public", "held-out", "reward (sat)", "fee (sat)", "deposit", "version")
            .AddRow(o.SubmissionId.Length > 12 ? o.SubmissionId[..12] + "…" : o.SubmissionId, o.Status, Markup.Escape(o.Reason ?? "-"), Score(o.PublicScore),
                Score(o.HeldoutScore), $"{o.RewardSats}", $"{o.FeeSats}", $"{o.Deposit} ({o.DepositSats} sat)", o.NewVersion is { } v ? $"v{v}" : "-"));

    private static string Score(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";

    /// <summary>One invocation's wallet, budget ledger, paying clients and provenance log.</summary>
    private sealed class BountySession(
        Uri coordinatorUri, ILightningNode wallet, L402ClientOptions budget, ProvenanceLog log, Option<string?> agentName, Claims.PendingClaims claims) : IDisposable
    {
        private readonly PaymentReceipts receipts = new();
        private readonly BudgetLedger ledger = new(budget.Budget, TimeProvider.System);
        private readonly List<IDisposable> owned = [];

        public ProvenanceLog Log => log;

        public Uri Coordinator => coordinatorUri;

        public ILightningNode Wallet => wallet;

        public async Task<BountyAgent> AgentAsync(
            ParseResult parse, CancellationToken ct, BubblewrapSandbox? sandbox = null, string? workDir = null, int iterations = 40, bool commitFirst = true,
            IProgress<string>? progress = null)
        {
            var name = parse.GetValue(agentName) ?? (await wallet.GetInfoAsync(ct)).Id.ToHex()[..16];
            // Each deposit is saved with its credential the moment it is locked, so a lost connection can be claimed later.
            var http = PayingClient(new Claims.PendingClaimSink(claims, coordinatorUri, receipts));
            http.BaseAddress = coordinatorUri;
            owned.Add(http);
            var options = new BountyAgentOptions { Agent = name, Iterations = iterations, Sandbox = sandbox, CommitFirst = commitFirst };
            if (workDir is not null) options = options with { WorkDirectory = workDir };
            return new BountyAgent(new BountyClient(http, receipts), wallet, options, TimeProvider.System, log, progress);
        }

        /// <summary>An HttpClient that pays L402 challenges from this wallet, against the one budget of this invocation.</summary>
        public HttpClient PayingClient(IPaymentReceiptSink sink) =>
            new(new L402PaymentHandler(wallet, budget, receipts: sink, ledger: ledger) { InnerHandler = new SocketsHttpHandler() })
            {
                Timeout = TimeSpan.FromMinutes(10),
            };

        public void Dispose()
        {
            foreach (var d in owned) d.Dispose();
            (wallet as IDisposable)?.Dispose();
        }
    }
}
