using System.CommandLine;
using System.Globalization;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using Spectre.Console;

namespace L402Train.PeerAgent.Commands;

/// <summary><c>pay</c> (any BOLT11 invoice, recorded in the provenance log) and <c>wallet</c> (balance and the recorded payments).</summary>
public sealed partial class PeerAgentCommandLine
{
    private Command PayCommand()
    {
        var invoice = new Argument<string>("bolt11") { Description = "The BOLT11 invoice to pay" };
        var maxFee = new Option<long>("--max-fee-sat") { Description = "Most routing fee paid", DefaultValueFactory = _ => 100 };
        var amount = new Option<long?>("--amount-sat") { Description = "The amount, for an invoice that names none" };
        var command = new Command("pay", "Pay a BOLT11 invoice from your wallet (shows what it is for first) and record it in the provenance log.")
        {
            invoice, lnd, macaroon, cert, maxFee, amount, results,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(maxFee) < 0) return await Fail(parse, "--max-fee-sat must be 0 or more");
            if (parse.GetValue(amount) is <= 0) return await Fail(parse, "--amount-sat must be a positive number of sats");
            if (OpenWallet(parse) is not { } wallet) return await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required: the wallet that pays");
            using var owned = wallet as IDisposable;
            return await Guard(parse, async () =>
            {
                var bolt11 = parse.GetValue(invoice)!.Trim();
                var details = await wallet.DecodeAsync(bolt11, ct);
                if (details.Amount is null && parse.GetValue(amount) is null) return await Fail(parse, "the invoice names no amount: give one with --amount-sat");
                if (details.Amount is not null && parse.GetValue(amount) is not null) return await Fail(parse, "the invoice names its amount: drop --amount-sat");
                var console = Screen(parse);
                var sats = details.Amount?.ToSatsFloor().Value ?? parse.GetValue(amount)!.Value;
                console.MarkupLineInterpolated($"paying {sats} sat to {details.Destination.ToHex()[..16]}… for \"{details.Description ?? "-"}\" (hash {details.Hash.ToHex()[..16]}…)");
                var payment = await wallet.PayAsync(new PaymentRequest(bolt11, new Sats(parse.GetValue(maxFee)).ToMilliSats(), TimeSpan.FromSeconds(60),
                    details.Amount is null ? new Sats(sats).ToMilliSats() : null), ct);
                var log = new ProvenanceLog(parse.GetValue(results)!, TimeProvider.System);
                await log.AppendAsync(new ProvenanceEntry(log.Now, "pay", null, PaymentHash: payment.Hash.ToHex(), Preimage: payment.Preimage?.ToHex(),
                    Sats: payment.Status == PaymentStatus.Succeeded ? (payment.Amount + payment.Fee).ToSatsFloor().Value : 0, Url: details.Description), ct);
                if (payment.Status != PaymentStatus.Succeeded)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"error: the payment failed ({payment.FailureReason}); nothing was paid");
                    return 1;
                }
                console.MarkupLineInterpolated($"paid {payment.Amount.ToSatsFloor().Value} sat + {payment.Fee.ToSatsFloor().Value} sat fee; preimage {payment.Preimage?.ToHex()}");
                return 0;
            });
        });
        return command;
    }

    private Command WalletCommand()
    {
        var last = new Option<int>("--last") { Description = "How many recorded payments to list", DefaultValueFactory = _ => 20 };
        var command = new Command("wallet", "Your wallet: channel balances, and the payments recorded in the provenance log (fees, deposits, rewards, funding, pay).")
        {
            lnd, macaroon, cert, results, last,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(last) is < 1 or > 100_000) return await Fail(parse, "--last must be between 1 and 100000");
            if (OpenWallet(parse) is not { } wallet) return await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required");
            using var owned = wallet as IDisposable;
            return await Guard(parse, async () =>
            {
                var console = Screen(parse);
                var balance = await wallet.GetBalanceAsync(ct);
                console.Write(new Table().Title("balance").AddColumns("spendable (sat)", "receivable (sat)", "locked out (sat)", "locked in (sat)")
                    .AddRow($"{balance.Local.ToSatsFloor().Value}", $"{balance.Remote.ToSatsFloor().Value}", $"{balance.PendingOutgoing.ToSatsFloor().Value}", $"{balance.PendingIncoming.ToSatsFloor().Value}"));
                var path = Path.GetFullPath(parse.GetValue(results)!);
                if (!File.Exists(path))
                {
                    console.MarkupLineInterpolated($"no payments recorded yet ({path} does not exist; --results names another log)");
                    return 0;
                }
                var entries = ProvenanceLog.Read(path);
                var table = new Table().Title($"payments ({path})").AddColumns("at", "action", "bounty", "sat", "payment hash", "verdict", "deposit");
                foreach (var e in entries.TakeLast(parse.GetValue(last)))
                {
                    table.AddRow(e.At.ToString("u", CultureInfo.InvariantCulture), e.Action, Markup.Escape(e.Bounty ?? "-"), $"{e.Sats}",
                        e.PaymentHash is { Length: > 16 } h ? h[..16] + "…" : e.PaymentHash ?? "-", Markup.Escape(e.Verdict ?? "-"), Markup.Escape(e.Deposit ?? "-"));
                }
                console.Write(table);
                // A claim's sats came in. A deposit line only locks sats: its verdict line says what was lost (forfeited) or 0 (refunded).
                var received = entries.Where(e => e.Action == "claim").Sum(e => e.Sats);
                var spent = entries.Where(e => e.Action is not ("claim" or "deposit")).Sum(e => e.Sats);
                var decided = entries.Where(e => e.Action == "verdict").Select(e => e.PaymentHash).ToHashSet(StringComparer.Ordinal);
                var held = entries.Where(e => e.Action == "deposit" && !decided.Contains(e.PaymentHash)).Sum(e => e.Sats);
                console.MarkupLineInterpolated($"{entries.Count} recorded: {spent} sat spent, {received} sat received, {held} sat in deposits awaiting a verdict");
                return 0;
            });
        });
        return command;
    }
}
