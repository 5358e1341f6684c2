using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Shipped;
using L402Train.PeerAgent.Bounties;
using L402Train.Testing;
using Xunit;

namespace L402Train.Bounties.Tests.Agent;

public sealed class ProvenanceLogTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402train-provenance");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Appends_one_snake_case_json_object_per_line_and_keeps_earlier_lines()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(dir.FullName, "nested", "results.jsonl");
        var log = new ProvenanceLog(path, time);

        await log.AppendAsync(new ProvenanceEntry(log.Now, "baseline", "b-1", "alice", PaymentHash: "ab", Preimage: "cd", Sats: 10, Version: 0), Ct);
        time.Advance(TimeSpan.FromSeconds(5));
        await new ProvenanceLog(path, time).AppendAsync(new ProvenanceEntry(time.GetUtcNow(), "verdict", "b-1", "alice", "sid", HeldoutScore: 0.8125,
            Verdict: "accepted", Reason: "accepted", Deposit: "refunded"), Ct);

        var lines = await File.ReadAllLinesAsync(path, Ct);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("baseline", first.RootElement.GetProperty("action").GetString());
        Assert.Equal("cd", first.RootElement.GetProperty("preimage").GetString());
        Assert.Equal(10, first.RootElement.GetProperty("sats").GetInt64());
        Assert.False(first.RootElement.TryGetProperty("heldout_score", out _), "absent values are left out, not written as null");
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(0.8125, second.RootElement.GetProperty("heldout_score").GetDouble());
        Assert.Equal("2026-11-22T06:00:05+00:00", second.RootElement.GetProperty("at").GetString());
    }

    [Fact]
    public async Task Concurrent_appends_never_interleave_within_a_line()
    {
        var log = new ProvenanceLog(Path.Combine(dir.FullName, "results.jsonl"), TimeProvider.System);
        var detail = new string('x', 5000);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => log.AppendAsync(new ProvenanceEntry(log.Now, "deposit", $"b-{i}", detail), Ct), Ct)));

        var entries = ProvenanceLog.Read(log.Path);
        Assert.Equal(40, entries.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"b-{i}").Order(), entries.Select(e => e.Bounty!).Order());
        Assert.All(entries, e => Assert.Equal(detail, e.Agent));
    }

    [Fact]
    public void A_commitment_is_sha256_of_the_diff_bytes_followed_by_the_nonce_bytes()
    {
        const string diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-é\n+ü\n";
        var expected = Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(diff), .. Encoding.UTF8.GetBytes("n0nce")]));

        Assert.Equal(expected, Commitment.Of(diff, "n0nce"));
        Assert.Equal(expected, Commitment.To(diff, "n0nce").Hash);
        var random = Commitment.To(diff);
        Assert.Equal(32, random.Nonce.Length);
        Assert.NotEqual(random.Hash, Commitment.To(diff).Hash);
        Assert.Equal(Commitment.Of(diff, random.Nonce), random.Hash);
    }

    [Fact]
    public async Task A_workspace_unpacks_the_shipped_bounty_and_scores_its_public_set()
    {
        var bounty = ShippedBounty.Generate(42, publicCount: 120, heldOutCount: 40);
        var remote = new BountyDetail("b-0123456789abcdef", "Spam", null, "accuracy", "maximize", "active", ShippedBounty.Task.EvalCommand,
            ShippedBounty.Task.TargetGlobs, 0, null, Convert.ToBase64String(ShippedBounty.BaselineArchive(bounty)), 0.01, 100_000, 5000, 16_384, [],
            30, 256, 1, DateTimeOffset.UnixEpoch, "", 5, null, null);

        var workspace = BountyWorkspace.Unpack(remote, Path.Combine(dir.FullName, "tree"), sandbox: null, TimeProvider.System);
        var score = await workspace.Evaluator.ScoreAsync(workspace.TargetFiles(), Ct);

        Assert.Equal([ShippedBounty.ConfigPath], workspace.TargetFiles().Keys);
        Assert.Equal(MetricDirection.Maximize, workspace.Direction);
        Assert.NotNull(score);
        Assert.InRange(score.Value, 0.01, 0.99);
        var gamed = ShippedBounty.HardCodePublicAnswers(workspace.TargetFiles()[ShippedBounty.ConfigPath], workspace.ReadPublic(ShippedBounty.MessagesFile));
        Assert.Equal(1.0, await workspace.Evaluator.ScoreAsync(new Dictionary<string, string> { [ShippedBounty.ConfigPath] = gamed }, Ct));
        Assert.Throws<IOException>(() => BountyWorkspace.Unpack(remote, workspace.Folder, null, TimeProvider.System));
    }
}
