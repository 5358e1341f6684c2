using L402Train.Lightning;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Bounties.Improvers;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Runtime;
using Xunit;

namespace L402Train.Bounties.Tests.Catalog;

public sealed class StoredTermsTests
{
    [Fact]
    public void Terms_stored_before_the_defences_read_back_without_noise_reruns_or_holdback()
    {
        var terms = new BountyTerms("t", "d", "accuracy", MetricDirection.Maximize, "sh eval.sh", ["classifier.conf"], [], 1024, new Sats(10_000),
            DateTimeOffset.UnixEpoch, 100, 0.01, 30, 256, 1) { NoiseReruns = 3, HoldbackPct = 20, HoldbackDelay = TimeSpan.FromHours(48) };
        var stored = JsonNode.Parse(JsonSerializer.Serialize(terms, GrainJson.Options))!.AsObject();
        var names = stored.Select(p => p.Key).Where(k => k.Contains("noise", StringComparison.OrdinalIgnoreCase) || k.Contains("holdback", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(3, names.Count);
        foreach (var name in names) stored.Remove(name);

        var legacy = JsonSerializer.Deserialize<BountyTerms>(stored.ToJsonString(), GrainJson.Options)!;

        // What the sponsor posted stays the deal: no holdback appears on a bounty that had none.
        Assert.Equal(0, legacy.HoldbackPct);
        Assert.Equal(0, legacy.NoiseReruns);
        Assert.Equal(1, legacy.BaselineRuns);
        Assert.Equal((terms.Title, terms.MinImprovement, terms.Repeats), (legacy.Title, legacy.MinImprovement, legacy.Repeats));
    }
}
