using L402Train.PeerAgent.Research;

namespace L402Train.Silo.Tests.Research;

public sealed class ResearchLeaderboardTests
{
    private static ResearchResult Result(string agent, double? bpb, string status = "completed", bool verifies = true)
    {
        var preimage = L402Train.Lightning.Preimage.Random();
        var key = L402Train.Lightning.NodeKey.Generate();
        var invoice = L402Train.Lightning.Bolt11.Bolt11Invoice.Sign(new L402Train.Lightning.Bolt11.Bolt11Request("bcrt", preimage.Hash,
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), DateTimeOffset.UnixEpoch.AddYears(56)) { Amount = new L402Train.Lightning.MilliSats(5000), Description = "x" }, key);
        return new ResearchResult($"exp-{Guid.NewGuid():N}", "sha256:00", bpb, null, $"http://{agent}/experiment", agent, null, DateTimeOffset.UnixEpoch,
            preimage.Hash.ToHex(), verifies ? preimage.ToHex() : L402Train.Lightning.Preimage.Random().ToHex(), invoice.PaymentRequest, 5, 1, "m", null, status);
    }

    [Fact]
    public void Ranks_workers_by_their_best_measured_val_bpb_then_by_what_they_claim_and_ignores_failed_or_unverified_lines()
    {
        WorkerCandidate[] listed =
        [
            new("a", "alpha", new Uri("http://a/experiment"), 5, BestValBpb: 2.0),
            new("b", "beta", new Uri("http://b/experiment"), 5, BestValBpb: 1.0),
            new("c", "gamma", new Uri("http://c/experiment"), 5, BestValBpb: null),
        ];
        ResearchResult[] results =
        [
            Result("a", 1.8), Result("a", 1.2), Result("a", 0.5, status: "failed"), Result("a", 0.4, verifies: false),
            Result("c", 3.0),
            Result("d", 1.1),
        ];

        var ranked = ResearchLeaderboard.Rank(listed, results, limit: 10);

        Assert.Equal(["b", "d", "a", "c"], ranked.Select(e => e.AgentId));
        Assert.Equal((1.2, 2.0, 4), (ranked[2].LocalBestValBpb, ranked[2].AdvertisedBestValBpb, ranked[2].LocalExperiments));
        Assert.Equal((1.0, null), (ranked[0].Best, ranked[0].LocalBestValBpb));
        Assert.Equal(["b", "d"], ResearchLeaderboard.Rank(listed, results, limit: 2).Select(e => e.AgentId));
    }
}
