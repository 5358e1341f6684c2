using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Shipped;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary>
/// Over HTTP, against a bounty whose target is a script the eval runs: an agent's code cannot read
/// the silo's environment into its verdict, and agents see coarse held-out figures where the sponsor sees exact ones.
/// </summary>
public sealed class BountySecrecyFlowTests
{
    private const string Model = "model.sh";
    private const string Baseline = "cat \"$1/value.txt\"\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Eval_code_cannot_leak_the_silo_environment_and_agents_see_only_coarse_held_out_figures()
    {
        var secret = "silo-secret-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable("L402TRAIN_SECRET_PROBE", secret);
        try
        {
            await using var host = await BountyApiHost.StartAsync();
            var agent = host.Network.CreateFundedNode("agent", new Sats(100_000));
            var (id, sponsorMacaroon) = await PostScriptBountyAsync(host);

            // The agent's script dumps every environment it can reach to stderr, which the verdict's detail shows.
            var probe = "cat /proc/1/environ; for f in /proc/[0-9]*/environ; do cat $f; done; env; exit 1\n";
            var leak = await SubmitAndWaitAsync(host, agent, id, UnifiedDiffWriter.Write(Model, Baseline, "{ " + probe.TrimEnd() + "; } >&2\n"));
            Assert.Equal("eval_failed", leak.GetProperty("reason").GetString());
            Assert.Contains("the public eval failed", leak.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("PATH=", leak.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, leak.ToString(), StringComparison.Ordinal);

            // An improvement of 0.0345678 on both sets: agents read 0.03 (the 0.01 grid) and a held-out score of 0.63,
            // the sponsor the exact figures. The public score (0.5345678) is the agent's to see.
            var improved = await SubmitAndWaitAsync(host, agent, id,
                UnifiedDiffWriter.Write(Model, Baseline, "awk '{ printf \"%.7f\\n\", $1 + 0.0345678 }' \"$1/value.txt\"\n"));
            Assert.True(improved.GetProperty("status").GetString() == "accepted", improved.ToString());
            Assert.Equal(0.5345678, improved.GetProperty("public_score").GetDouble(), 9);
            Assert.Equal(0.03, improved.GetProperty("improvement").GetDouble());
            Assert.Equal(0.63, improved.GetProperty("heldout_score").GetDouble());
            Assert.Equal(3000, improved.GetProperty("reward_sats").GetInt64());
            Assert.DoesNotContain("0.6345678", improved.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("0.0345678", improved.ToString(), StringComparison.Ordinal);
            var board = await host.Http.GetStringAsync($"/bounty/{id}/leaderboard", Ct);
            Assert.DoesNotContain("345678", board, StringComparison.Ordinal);

            var sid = improved.GetProperty("submission_id").GetString()!;
            using var asSponsor = await host.Http.SendAsync(BountyApiHost.Bearer(HttpMethod.Get, $"/bounty/{id}/submissions/{sid}", sponsorMacaroon), Ct);
            var exact = await asSponsor.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(0.6345678, exact.GetProperty("heldout_score").GetDouble(), 9);
            Assert.Equal(0.0345678, exact.GetProperty("improvement").GetDouble(), 9);
        }
        finally
        {
            Environment.SetEnvironmentVariable("L402TRAIN_SECRET_PROBE", null);
        }
    }

    [Fact]
    public async Task A_runaway_score_and_a_disk_filling_eval_are_eval_failed_and_never_paid()
    {
        await using var host = await BountyApiHost.StartAsync();
        var agent = host.Network.CreateFundedNode("agent", new Sats(100_000));
        var (id, _) = await PostScriptBountyAsync(host);

        var runaway = await SubmitAndWaitAsync(host, agent, id, UnifiedDiffWriter.Write(Model, Baseline, "echo 1e308\n"));
        // Files of 15 MB each stay under the per-file limit; together they pass the 256 MiB working-copy quota.
        var filler = await SubmitAndWaitAsync(host, agent, id, UnifiedDiffWriter.Write(Model, Baseline,
            "i=0; while [ $i -lt 20 ]; do head -c 15000000 /dev/zero > f$i || exit 1; i=$((i+1)); done; echo 0.9\n"));

        Assert.Equal("eval_failed", runaway.GetProperty("reason").GetString());
        Assert.Contains("outside the bounty's declared range [0, 1]", runaway.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("eval_failed", filler.GetProperty("reason").GetString());
        Assert.Contains("limit hit: DiskSpace", filler.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("No space left on device", filler.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.All(new[] { runaway, filler }, v => Assert.Equal(0, v.GetProperty("reward_sats").GetInt64()));
        var board = await host.Http.GetFromJsonAsync<JsonElement>($"/bounty/{id}/leaderboard", Ct);
        Assert.Empty(board.GetProperty("entries").EnumerateArray());
    }

    /// <summary>Posts and funds a bounty whose eval runs the target script <c>model.sh</c> on the data set's value.txt (public 0.5, held-out 0.6).</summary>
    private static async Task<(string Id, string SponsorMacaroon)> PostScriptBountyAsync(BountyApiHost host)
    {
        var sponsor = host.Network.CreateFundedNode("sponsor", new Sats(1_000_000));
        var created = await host.PostBountyAsync(host.BountyBody(b =>
        {
            b["eval_command"] = "sh eval.sh";
            b["target_files"] = new[] { Model };
            b["forbidden_patterns"] = Array.Empty<string>();
            b["baseline_tarball"] = Convert.ToBase64String(BountyArchive.Create(new Dictionary<string, string>
            {
                ["eval.sh"] = "sh model.sh \"$L402_EVAL_DATA\"\n", [Model] = Baseline, ["public/value.txt"] = "0.5\n",
            }));
            b["held_out_tarball"] = Convert.ToBase64String(BountyArchive.Create(new Dictionary<string, string> { ["value.txt"] = "0.6\n" }));
        }));
        var id = created.GetProperty("id").GetString()!;
        var funding = await sponsor.PayAsync(new PaymentRequest(created.GetProperty("funding_invoice").GetString()!, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct);
        Assert.Equal(PaymentStatus.Succeeded, funding.Status);
        await host.PollAsync("/bounties?status=active", j => j.EnumerateArray().Any(b => b.GetProperty("id").GetString() == id));
        return (id, created.GetProperty("sponsor_macaroon").GetString()!);
    }

    private static async Task<JsonElement> SubmitAndWaitAsync(BountyApiHost host, SimnetNode agent, string id, string diff)
    {
        var body = new { diff, base_version = 0, agent = "agent" };
        var (submitted, _) = await host.PaidAsync(() => BountyApiHost.RespondAsync(BountyApiHost.Json(HttpMethod.Post, $"/bounty/{id}/submit", body)), agent);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var sid = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("submission_id").GetString()!;
        return await host.PollAsync($"/bounty/{id}/submissions/{sid}?wait=30", j => j.GetProperty("status").GetString() != "validating");
    }
}
