using System.CommandLine;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Claims;
using Spectre.Console;

namespace L402Train.PeerAgent.Commands;

/// <summary>
/// Pending claims: deposits are saved in the wallet directory when locked, <c>bounty claim</c> and
/// <c>train claim</c> finish what a lost connection left, and <c>bounty run</c> / <c>train</c> resume them on start.
/// </summary>
public sealed partial class PeerAgentCommandLine
{
    private readonly Option<string?> walletDir = new("--wallet-dir")
    {
        Description = "Where deposit credentials and pending claims are kept (0600 files; default $L402TRAIN_WALLET_DIR or ~/.l402train)",
    };

    private PendingClaims ClaimsOf(ParseResult parse) => new(parse.GetValue(walletDir) ?? PendingClaims.DefaultWalletDirectory());

    private Command BountyClaimCommand() => ClaimCommand(ClaimKinds.Bounty,
        "Finish submissions a lost connection or a crash left: wait for their verdicts and claim the rewards with the saved deposit credentials; " +
        "once a reward's temporal holdback is released, claim it too (the credential is kept until then).");

    private Command TrainClaimCommand() => ClaimCommand(ClaimKinds.Training,
        "Finish gradient submissions a lost connection or a crash left: wait for their verdicts and claim the rewards with the saved deposit credentials.");

    private Command ClaimCommand(string kind, string description)
    {
        var id = new Argument<string?>("submission") { Description = "Only this submission id (default: every pending one at the coordinator)", Arity = ArgumentArity.ZeroOrOne };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each verdict and payment", DefaultValueFactory = _ => 600 };
        var command = new Command("claim", description) { id, coordinator, lnd, macaroon, cert, walletDir, results, agentName, timeout };
        command.SetAction(async (parse, ct) =>
        {
            if (Url(parse.GetValue(coordinator)) is not { } baseUri) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            if (parse.GetValue(timeout) is < 1 or > 86_400) return await Fail(parse, "--timeout must be between 1 and 86400 seconds");
            if (OpenWallet(parse) is not { } wallet) return await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required: the wallet that receives the rewards");
            using var owned = wallet as IDisposable;
            return await Guard(parse, async () =>
            {
                var console = Screen(parse);
                var finished = await FinishClaimsAsync(parse, kind, baseUri, wallet, console, waitForVerdict: true, ct, parse.GetValue(id), TimeSpan.FromSeconds(parse.GetValue(timeout)));
                if (finished.Count == 0) console.MarkupLineInterpolated($"no pending {kind} claims at {baseUri} in {ClaimsOf(parse).Folder}");
                // A holdback not yet released is no failure: the claim is kept and a later run takes it.
                return finished.All(f => f.NothingToDoNow) ? 0 : 1;
            });
        });
        return command;
    }

    /// <summary>Finishes the pending claims of <paramref name="kind"/> at <paramref name="baseUri"/> and prints them.</summary>
    private async Task<IReadOnlyList<ClaimProgress>> FinishClaimsAsync(ParseResult parse, string kind, Uri baseUri, ILightningNode wallet, IAnsiConsole console,
        bool waitForVerdict, CancellationToken ct, string? submissionId = null, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(10) };
        var finisher = new PendingClaimFinisher(ClaimsOf(parse), http, wallet, TimeProvider.System, timeout ?? TimeSpan.FromMinutes(10),
            parse.GetValue(results) is { } log ? new ProvenanceLog(log, TimeProvider.System) : null, new LineProgress(line => console.MarkupLineInterpolated($"[grey]{line}[/]")),
            parse.GetValue(agentName));
        var finished = await finisher.FinishAsync(kind, waitForVerdict, ct, submissionId);
        if (finished.Count == 0) return finished;
        var table = new Table().AddColumns("submission", "state", "verdict", "reward (sat)", "deposit", "pending");
        foreach (var f in finished)
            table.AddRow(f.Claim.SubmissionId[..12] + "…", f.State, Markup.Escape(f.Verdict ?? "-"), $"{f.RewardSats}", f.Deposit, f.Done ? "no" : "yes");
        console.Write(table);
        foreach (var f in finished.Where(f => f.Note is not null))
            console.MarkupLineInterpolated($"{f.Claim.SubmissionId[..12]}…: {f.Note}");
        return finished;
    }

    /// <summary>On start of <c>bounty run</c> / <c>train</c>: finishes what an earlier run left, without waiting for verdicts still pending.</summary>
    private async Task ResumeClaimsAsync(ParseResult parse, string kind, Uri baseUri, ILightningNode wallet, IAnsiConsole console, CancellationToken ct)
    {
        if (ClaimsOf(parse).For(kind, baseUri).Count == 0) return;
        console.MarkupLineInterpolated($"resuming the pending {kind} claims an earlier run left");
        await FinishClaimsAsync(parse, kind, baseUri, wallet, console, waitForVerdict: false, ct);
    }
}
