using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using L402Train.Bounties.Tests.Flow;
using L402Train.Bounties.Commitments;
using L402Train.Bounties.Shipped;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using Microsoft.Extensions.DependencyInjection;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary>The wire contract end to end: post, fund, buy, commit, submit, verdict, claim, sponsor views, cancel, reveal.</summary>
public sealed class BountyApiFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bounty_is_posted_funded_bought_improved_paid_cancelled_and_revealed_over_http()
    {
        await using var host = await BountyApiHost.StartAsync();
        var sponsor = host.Network.CreateFundedNode("sponsor", new Sats(1_000_000));
        var agent = host.Network.CreateFundedNode("agent", new Sats(100_000));

        var created = await host.PostBountyAsync();
        var id = created.GetProperty("id").GetString()!;
        Assert.Matches("^b-[0-9a-f]{16}$", id);
        Assert.Equal("awaiting_funding", created.GetProperty("status").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ShippedBounty.HeldOutArchive(host.Shipped))), created.GetProperty("held_out_hash").GetString());
        var sponsorMacaroon = created.GetProperty("sponsor_macaroon").GetString()!;
        using (var early = await host.Http.GetAsync($"/bounty/{id}", Ct)) Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        var funding = await sponsor.PayAsync(new PaymentRequest(created.GetProperty("funding_invoice").GetString()!, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);
        Assert.Equal(PaymentStatus.Succeeded, funding.Status);
        var listed = await host.PollAsync("/bounties?status=active", j => j.EnumerateArray().Any(b => b.GetProperty("id").GetString() == id));
        Assert.Equal(20_000, listed.EnumerateArray().Single(b => b.GetProperty("id").GetString() == id).GetProperty("remaining_sats").GetInt64());

        // An unpaid download's 402 writes nothing; its invoice carries what its fee would be for.
        using (var challenge = await host.Http.GetAsync($"/bounty/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, challenge.StatusCode);
            var feeHash = (await challenge.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("payment_hash").GetString()!;
            Assert.Null(await host.App.Services.GetRequiredService<L402Train.Runtime.IGrainStore>().FindJobAsync(TrainingJobTypes.CheckCheckpointFee, feeHash, Ct));
            var feeInvoice = await host.Network.Coordinator.LookupInvoiceAsync(PaymentHash.FromHex(feeHash), Ct);
            Assert.Equal(InvoicePurpose.BountyAccess, host.App.Services.GetRequiredService<StandardFeeInvoices>().PurposeOf(feeInvoice!));
        }

        // Buy the bounty (standard L402) and make an improving diff against its current best.
        var (bought, _) = await host.PaidAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/bounty/{id}"), agent);
        var detail = await bought.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.OK, bought.StatusCode);
        Assert.Equal(0, detail.GetProperty("version").GetInt32());
        // The defences' terms, with their defaults: three noise reruns, 20 % held back for 48 h; the shipped eval is deterministic (σ = 0).
        Assert.Equal(3, detail.GetProperty("noise_reruns").GetInt32());
        Assert.Equal(20, detail.GetProperty("holdback_pct").GetInt32());
        Assert.Equal(48 * 3600, detail.GetProperty("holdback_delay_s").GetInt64());
        Assert.Equal(detail.GetProperty("min_improvement").GetDouble(), detail.GetProperty("required_improvement").GetDouble());
        var config = BountyArchives.ConfigOf(detail.GetProperty("baseline_tarball").GetString()!);
        var diff = Edits.Diff(config, Edits.Tuned(config));

        // Commit, then reveal behind a hold deposit.
        var commitment = DiffCommitment.Of(diff, "n0nce");
        using (var commit = await host.Http.PostAsJsonAsync($"/bounty/{id}/commit", new { commitment, agent = "agent" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, commit.StatusCode);
            Assert.Equal(1, (await commit.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("sequence").GetInt32());
        }
        using (var again = await host.Http.PostAsJsonAsync($"/bounty/{id}/commit", new { commitment, agent = "agent" }, Ct))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = new { diff, base_version = 0, claimed_score = 0.9, nonce = "n0nce", agent = "agent" };
        var (submitted, deposit) = await host.PaidAsync(() => BountyApiHost.RespondAsync(BountyApiHost.Json(HttpMethod.Post, $"/bounty/{id}/submit", body)), agent);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var sid = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("submission_id").GetString()!;

        var verdict = await host.PollAsync($"/bounty/{id}/submissions/{sid}?wait=30",
            j => j.GetProperty("status").GetString() != "validating" && j.GetProperty("deposit_final").GetBoolean());
        Assert.True(verdict.GetProperty("status").GetString() == "accepted", verdict.ToString());
        Assert.Equal("refunded", verdict.GetProperty("deposit").GetString());
        Assert.Equal(1, verdict.GetProperty("new_version").GetInt32());
        Assert.Equal(1, verdict.GetProperty("commit_sequence").GetInt32());
        // The first claim is the reward less the fee and the holdback (20 % by default, paid after the re-evaluation).
        var payout = verdict.GetProperty("reward_sats").GetInt64() - verdict.GetProperty("fee_sats").GetInt64() - verdict.GetProperty("holdback_sats").GetInt64();
        Assert.True(payout > 0);
        Assert.Equal("held", verdict.GetProperty("holdback").GetString());

        var board = await host.Http.GetFromJsonAsync<JsonElement>($"/bounty/{id}/leaderboard", Ct);
        Assert.Equal(sid, board.GetProperty("entries")[0].GetProperty("submission_id").GetString());
        Assert.True(board.GetProperty("best_score").GetDouble() > board.GetProperty("baseline_score").GetDouble());

        // Sponsor view: the diff and public output, for the sponsor's macaroon only.
        using (var denied = await host.Http.GetAsync($"/bounty/{id}/submissions", Ct)) Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        using (var wrong = await host.Http.SendAsync(BountyApiHost.Bearer(HttpMethod.Get, $"/bounty/{id}/submissions", deposit["L402 ".Length..^1]), Ct))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var listing = await host.Http.SendAsync(BountyApiHost.Bearer(HttpMethod.Get, $"/bounty/{id}/submissions", sponsorMacaroon), Ct))
        {
            var submissions = await listing.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(HttpStatusCode.OK, listing.StatusCode);
            Assert.Equal(diff, submissions.GetProperty("submissions")[0].GetProperty("diff").GetString());
        }

        // Claim the reward less the fee with the deposit's macaroon.
        var invoice = await agent.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(payout).ToMilliSats(), "reward", TimeSpan.FromHours(1)), Ct);
        using (var unauthorized = await host.Http.PostAsJsonAsync($"/bounty/{id}/submissions/{sid}/claim", new { invoice = invoice.PaymentRequest }, Ct))
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        using (var claim = await host.Http.SendAsync(BountyApiHost.Json(HttpMethod.Post, $"/bounty/{id}/submissions/{sid}/claim", new { invoice = invoice.PaymentRequest }, deposit), Ct))
            Assert.Equal(HttpStatusCode.Accepted, claim.StatusCode);
        await host.PollAsync($"/bounty/{id}/submissions/{sid}", j => j.GetProperty("reward").GetString() == "paid");
        Assert.Equal(InvoiceState.Settled, (await agent.LookupInvoiceAsync(invoice.Hash, Ct))!.State);

        // The held-out set stays hidden until the sponsor cancels; the refund is exactly what is left.
        using (var hidden = await host.Http.GetAsync($"/bounty/{id}/heldout", Ct)) Assert.Equal(HttpStatusCode.Conflict, hidden.StatusCode);
        var remaining = 20_000 - verdict.GetProperty("reward_sats").GetInt64();
        var refund = await sponsor.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(remaining).ToMilliSats(), "refund", TimeSpan.FromHours(1)), Ct);
        using (var cancel = await host.Http.SendAsync(BountyApiHost.Bearer(HttpMethod.Post, $"/bounty/{id}/cancel", sponsorMacaroon, new { invoice = refund.PaymentRequest }), Ct))
        {
            var cancelled = await cancel.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(cancel.StatusCode == HttpStatusCode.Accepted, cancelled.ToString());
            Assert.Equal(remaining, cancelled.GetProperty("refund_sats").GetInt64());
            Assert.Equal("closed", cancelled.GetProperty("status").GetString());
        }
        await host.PollAsync($"/bounties?status=closed", j => j.EnumerateArray().Any(b => b.GetProperty("id").GetString() == id));
        var revealed = await host.Http.GetByteArrayAsync($"/bounty/{id}/heldout", Ct);
        Assert.Equal(created.GetProperty("held_out_hash").GetString(), Convert.ToHexStringLower(SHA256.HashData(revealed)));
        // The refund is a reward.pay job: re-checked after each job the silo finishes.
        await host.WaitUntilAsync(async ct => (await sponsor.LookupInvoiceAsync(refund.Hash, ct))!.State == InvoiceState.Settled, "the sponsor's refund to settle");

        // Every sat in and out (funding, access fee, payout, refund; the fee kept) matches the node. The refund job posts
        // to the ledger after the node reports the payment, so the sponsor's settled invoice can come first: wait for the post.
        var grains = host.App.Services.GetRequiredService<IGrainFactory>();
        var ledger = await grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync();
        await host.WaitUntilAsync(async _ => (ledger = await grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey).GetAsync()).Entries
            .Any(e => e.Purpose == InvoicePurpose.BountyRefund), "the refund's ledger entry");
        Assert.Contains(ledger.Entries, e => e.Purpose == InvoicePurpose.BountyAccess && e.InSat == new Sats(10));
        Assert.Equal(verdict.GetProperty("fee_sats").GetInt64(), ledger.TotalKeptSat);
        var reconciliation = await LedgerReconciliation.CheckAsync(grains, host.Network.Coordinator, host.App.Services.GetRequiredService<StandardFeeInvoices>(), Ct);
        // The two channels the test opened after the ledger opened put 1 000 000 + 100 000 sat on the coordinator's side.
        Assert.Equal(-1_100_000, reconciliation.DifferenceSat);
    }
}
