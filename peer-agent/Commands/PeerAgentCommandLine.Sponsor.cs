using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using Spectre.Console;

namespace L402Train.PeerAgent.Commands;

/// <summary>The sponsor's side of <c>bounty</c>: <c>example</c> writes a folder to start from, <c>create</c> posts and funds it.</summary>
public sealed partial class PeerAgentCommandLine
{
    private Command BountyExampleCommand()
    {
        var dir = new Argument<string>("dir") { Description = "A new folder for bounty.json, baseline/ (with public/) and heldout/" };
        var command = new Command("example", "Write the shipped spam-filter bounty as a sponsor folder to start from (then edit it and run 'bounty create').") { dir };
        command.SetAction(async (parse, _) =>
        {
            try
            {
                SponsorFolder.WriteExample(parse.GetValue(dir)!);
            }
            catch (SponsorFolderException ex)
            {
                return await Fail(parse, ex.Message);
            }
            Screen(parse).MarkupLineInterpolated($"wrote [bold]{Path.GetFullPath(parse.GetValue(dir)!)}[/]: {SponsorFolder.TermsFile}, {SponsorFolder.BaselineFolder}/ (with public/), {SponsorFolder.HeldOutFolder}/");
            return 0;
        });
        return command;
    }

    private Command BountyCreateCommand()
    {
        var dir = new Argument<string>("dir") { Description = "The sponsor folder: bounty.json, baseline/ (with the public set under baseline/public/) and heldout/" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Pack and show the terms without posting or paying anything" };
        var maxFee = new Option<long>("--max-fee-sat") { Description = "Most routing fee paid on the funding invoice", DefaultValueFactory = _ => 100 };
        var wait = new Option<int>("--wait-s") { Description = "Seconds to wait for the coordinator to see the funding and list the bounty as active", DefaultValueFactory = _ => 120 };
        var command = new Command("create", "Pack a sponsor folder as the coordinator expects, show the terms, post the bounty, pay its funding invoice and wait until it is listed.")
        {
            dir, coordinator, lnd, macaroon, cert, results, maxFee, wait, dryRun,
        };
        command.SetAction(async (parse, ct) =>
        {
            var folder = Path.GetFullPath(parse.GetValue(dir)!);
            if (Url(parse.GetValue(coordinator)) is null) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            if (parse.GetValue(maxFee) < 0) return await Fail(parse, "--max-fee-sat must be 0 or more");
            if (parse.GetValue(wait) is < 1 or > 3600) return await Fail(parse, "--wait-s must be between 1 and 3600");
            PackedBounty packed;
            try
            {
                packed = SponsorFolder.Pack(folder, TimeProvider.System.GetUtcNow());
            }
            catch (SponsorFolderException ex)
            {
                return await Fail(parse, ex.Message);
            }
            var console = Screen(parse);
            console.Write(TermsGrid(packed));
            if (parse.GetValue(dryRun)) { console.MarkupLine("dry run: nothing posted or paid"); return 0; }
            if (OpenWallet(parse) is not { } wallet) return await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required: the wallet that pays the funding invoice");
            using var owned = wallet as IDisposable;
            return await Guard(parse, async () =>
            {
                using var http = Coordinator(parse, wallet);
                var client = new BountyClient(http);
                var created = await client.CreateAsync(packed.Request, ct);
                var funding = await wallet.DecodeAsync(created.FundingInvoice, ct);
                console.MarkupLineInterpolated($"posted [bold]{created.Id}[/]; paying its funding invoice ({funding.Amount?.ToSatsFloor().Value ?? packed.Request.TotalSats} sat)");
                var payment = await wallet.PayAsync(new PaymentRequest(created.FundingInvoice, new Sats(parse.GetValue(maxFee)).ToMilliSats(), TimeSpan.FromSeconds(60)), ct);
                var log = new ProvenanceLog(parse.GetValue(results)!, TimeProvider.System);
                await log.AppendAsync(new ProvenanceEntry(log.Now, "fund", created.Id, PaymentHash: payment.Hash.ToHex(), Preimage: payment.Preimage?.ToHex(),
                    Sats: (payment.Amount + payment.Fee).ToSatsFloor().Value), ct);
                if (payment.Status != PaymentStatus.Succeeded)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"error: the funding payment of {created.Id} failed ({payment.FailureReason}); nothing was paid, the bounty closes when its invoice expires");
                    return 1;
                }
                var credentials = await SaveSponsorCredentialAsync(folder, created, payment, ct);
                var active = await WaitUntilActiveAsync(client, created.Id, TimeSpan.FromSeconds(parse.GetValue(wait)), ct);
                console.MarkupLineInterpolated($"funded {created.Id}: {(active ? "listed as active" : "paid, not listed as active yet (the coordinator checks the funding shortly)")}; held-out sha256 {created.HeldOutHash}");
                console.MarkupLineInterpolated($"your sponsor macaroon (submissions, cancel) is in [bold]{credentials}[/]; the payment is in {Path.GetFullPath(parse.GetValue(results)!)}");
                return active ? 0 : 1;
            });
        });
        return command;
    }

    private static Grid TermsGrid(PackedBounty packed)
    {
        var b = packed.Request;
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string value) => grid.AddRow(new Text(key), new Text(value));
        Row("title", b.Title ?? "");
        Row("metric", $"{b.Metric} ({b.Direction})");
        Row("eval", b.EvalCommand ?? "");
        Row("targets", string.Join(", ", b.TargetFiles ?? []));
        Row("pool", string.Create(CultureInfo.InvariantCulture, $"{b.TotalSats} sat, {b.RateSatsPerUnit} sat per unit of improvement, minimum {b.MinImprovement}"));
        Row("limits", $"diff ≤ {b.MaxDiffBytes} bytes, eval {b.EvalTimeoutS} s / {b.EvalMemoryMb} MiB, {b.Repeats} repeat(s), forbidden: {(b.ForbiddenPatterns is not { Count: > 0 } forbidden ? "-" : string.Join(", ", forbidden))}");
        Row("deadline", b.Deadline?.ToString("u", CultureInfo.InvariantCulture) ?? "-");
        Row("baseline", $"{packed.BaselineFiles} files, {packed.BaselineBytes} bytes packed");
        Row("held-out", $"{packed.HeldOutFiles} files, {packed.HeldOutBytes} bytes packed (revealed when the bounty closes)");
        return grid;
    }

    // The sponsor macaroon is the only key to the submissions and to cancel: keep it beside the terms, readable by the owner only.
    private static async Task<string> SaveSponsorCredentialAsync(string folder, BountyCreated created, Payment payment, CancellationToken ct)
    {
        var path = Path.Combine(folder, $"sponsor-{created.Id}.json");
        var json = JsonSerializer.Serialize(new
        {
            id = created.Id,
            sponsor_macaroon = created.SponsorMacaroon,
            funding_payment_hash = payment.Hash.ToHex(),
            funding_preimage = payment.Preimage?.ToHex(),
            heldout_sha256 = created.HeldOutHash,
        }, new JsonSerializerOptions { WriteIndented = true });
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var file = new FileStream(path, options))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteAsync(json.AsMemory(), ct);
        }
        return path;
    }

    // The coordinator's settler sees the funding on its next check; ask until it lists the bounty as active or the wait runs out.
    private static async Task<bool> WaitUntilActiveAsync(BountyClient client, string id, TimeSpan wait, CancellationToken ct)
    {
        var time = TimeProvider.System;
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            if ((await client.ListAsync("active", ct)).Any(b => b.Id == id)) return true;
            if (time.GetUtcNow() >= deadline) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }
}
