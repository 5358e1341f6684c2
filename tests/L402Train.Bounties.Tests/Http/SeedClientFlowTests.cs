using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using L402Train.Bounties.Tests.Flow;
using L402Train.Bounties.Shipped;
using L402Train.Lightning;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary>
/// The sponsor and agent of the public l402-train documents (the seed's pseudo-code), unchanged, against a real silo on
/// simnet over HTTP: a plain L402 client that reads <c>invoice</c> and <c>macaroon</c> from the 402 body. The silo is the
/// one <c>silo serve</c> builds (<see cref="L402Train.Testing.EmbeddedSilo"/>), with both tracks and with bounties alone.
/// </summary>
public sealed class SeedClientFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("training,bounties")]
    [InlineData("bounties")] // silo serve --tracks bounties: no training track, the same bounty flow
    public async Task A_seed_sponsor_posts_and_funds_and_a_seed_agent_lists_buys_submits_diff_and_claimed_score_and_reads_its_reward(string tracks)
    {
        await using var host = await BountyApiHost.StartAsync(tracks);
        var sponsor = host.Network.CreateFundedNode("sponsor", new Sats(1_000_000));
        var agent = host.Network.CreateFundedNode("agent", new Sats(100_000));

        // The sponsor prompt's body, and nothing else: every other term takes its default.
        var heldOut = ShippedBounty.HeldOutArchive(host.Shipped);
        var seedBody = new Dictionary<string, object?>
        {
            ["title"] = "Improve accuracy for the spam filter", ["metric"] = "accuracy", ["eval_command"] = "sh eval.sh", ["total_sats"] = 20_000,
            ["deadline"] = DateTimeOffset.UtcNow.AddHours(1), ["held_out_hash"] = Convert.ToHexStringLower(SHA256.HashData(heldOut)),
            ["target_improvement"] = 0.05, ["baseline_tarball"] = Convert.ToBase64String(ShippedBounty.BaselineArchive(host.Shipped)),
            ["held_out_tarball"] = Convert.ToBase64String(heldOut),
        };
        var created = await host.PostBountyAsync(seedBody);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(seedBody["held_out_hash"], created.GetProperty("held_out_hash").GetString());
        var funding = await sponsor.PayAsync(new PaymentRequest(created.GetProperty("funding_invoice").GetString()!, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);
        Assert.Equal(PaymentStatus.Succeeded, funding.Status);

        // bounties = requests.get(f"{coordinator}/bounties?status=active").json(); bounties.sort(key=lambda b: b["remaining_sats"])
        var bounties = await host.PollAsync("/bounties?status=active", j => j.ValueKind == JsonValueKind.Array && j.EnumerateArray().Any(b => b.GetProperty("id").GetString() == id));
        var listed = bounties.EnumerateArray().Single(b => b.GetProperty("id").GetString() == id);
        Assert.Equal(20_000, listed.GetProperty("remaining_sats").GetInt64());
        Assert.Equal(20_000, listed.GetProperty("total_sats").GetInt64());
        foreach (var field in new[] { "title", "metric", "status", "deadline", "submissions_count", "best_improvement", "best_score", "held_out_hash" })
            Assert.True(listed.TryGetProperty(field, out _), $"GET /bounties lacks {field}: {listed}");

        // challenge = requests.get(f"{coordinator}/bounty/{id}"); l402 = challenge.json(); pay_invoice(l402["invoice"]); retry with the macaroon.
        string credential;
        using (var challenge = await host.Http.GetAsync($"/bounty/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, challenge.StatusCode);
            var l402 = await challenge.Content.ReadFromJsonAsync<JsonElement>(Ct);
            var paid = await agent.PayAsync(new PaymentRequest(l402.GetProperty("invoice").GetString()!, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);
            credential = $"L402 {l402.GetProperty("macaroon").GetString()}:{paid.Preimage!.Value.ToHex()}";
        }
        using var download = new HttpRequestMessage(HttpMethod.Get, $"/bounty/{id}");
        download.Headers.TryAddWithoutValidation("Authorization", credential);
        using var bought = await host.Http.SendAsync(download, Ct);
        Assert.Equal(HttpStatusCode.OK, bought.StatusCode);
        var baseline = await bought.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("sh eval.sh", baseline.GetProperty("eval_command").GetString());
        Assert.NotEmpty(baseline.GetProperty("target_files").EnumerateArray());
        var config = BountyArchives.ConfigOf(baseline.GetProperty("baseline_tarball").GetString()!);

        // requests.post(f"{coordinator}/bounty/{id}/submit", json={"diff": best_diff, "claimed_score": best_score}).json()
        var (submitted, _) = await host.PaidAsync(
            () => BountyApiHost.Json(HttpMethod.Post, $"/bounty/{id}/submit", new { diff = Edits.Diff(config, Edits.Tuned(config)), claimed_score = 0.9 }), agent);
        var result = await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, result.ToString());
        Assert.True(result.GetProperty("accepted").GetBoolean(), result.ToString());
        Assert.True(result.GetProperty("reward_sats").GetInt64() > 0, result.ToString());
        Assert.Equal(0, result.GetProperty("base_version").GetInt32());

        // The accepted improvement reached target_improvement: the bounty closed, its goal met.
        var closed = await host.PollAsync("/bounties?status=closed", j => j.EnumerateArray().Any(b => b.GetProperty("id").GetString() == id));
        Assert.Equal(1, closed.EnumerateArray().Single(b => b.GetProperty("id").GetString() == id).GetProperty("submissions_count").GetInt32());
    }
}
