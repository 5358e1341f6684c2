using System.Security.Cryptography;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Bounties.Shipped;
using Xunit;

namespace L402Train.Bounties.Tests.Shipped;

public sealed class ShippedBountyTests(ShippedBountyFixture bounty) : IClassFixture<ShippedBountyFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static DiffPolicy Policy => new(ShippedBounty.Task.TargetGlobs, ShippedBounty.Task.MaxDiffBytes, ShippedBounty.Task.ForbiddenPatterns);

    [Fact]
    public async Task The_baseline_scores_mediocre_in_the_sandbox_on_both_sets()
    {
        var publicScore = await bounty.Public.ScoreAsync(bounty.BaselineTargets, Cancel);
        var heldOutScore = await bounty.HeldOut.ScoreAsync(bounty.BaselineTargets, Cancel);

        Assert.InRange(publicScore!.Value, 0.6, 0.75);
        Assert.InRange(heldOutScore!.Value, 0.6, 0.75);
    }

    [Fact]
    public async Task Hill_climbing_on_the_public_set_raises_the_held_out_score()
    {
        var climb = await ImprovementLoop.RunAsync(new HillClimbingImprover(new HillClimbingOptions(Seed: 7)), bounty.BaselineTargets,
            bounty.PublicOnHost.ScoreAsync, MetricDirection.Maximize, iterations: 80, cancellationToken: Cancel);

        // The submission path: the climber's diff passes the bounty's policy and applies to a fresh baseline copy.
        using var copy = WorkingCopy.FromBaseline(bounty.BaselineDirectory, bounty.Root);
        Assert.Null(Policy.CheckAndApply(climb.Diff, copy.Path));
        var submitted = new Dictionary<string, string> { [ShippedBounty.ConfigPath] = File.ReadAllText(Path.Combine(copy.Path, ShippedBounty.ConfigPath)) };
        Assert.Equal(climb.BestFiles[ShippedBounty.ConfigPath], submitted[ShippedBounty.ConfigPath]);

        var baselineHeldOut = await bounty.HeldOut.ScoreAsync(bounty.BaselineTargets, Cancel);
        var climbedHeldOut = await bounty.HeldOut.ScoreAsync(submitted, Cancel);
        Assert.True(climb.BestScore >= climb.BaselineScore + 0.05, $"public {climb.BaselineScore} -> {climb.BestScore}");
        Assert.True(climbedHeldOut >= baselineHeldOut + 0.05, $"held-out {baselineHeldOut} -> {climbedHeldOut}");
    }

    [Fact]
    public async Task Hard_coding_public_answers_raises_the_public_score_but_not_the_held_out_one()
    {
        var config = ShippedBounty.HardCodePublicAnswers(bounty.BaselineTargets[ShippedBounty.ConfigPath], bounty.Bounty.PublicSet[ShippedBounty.MessagesFile]);
        var gamed = new Dictionary<string, string> { [ShippedBounty.ConfigPath] = config };
        // It is a legal diff of a target file: the diff rules cannot catch it, only the held-out score can.
        Assert.Null(Policy.Check(UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, bounty.BaselineTargets[ShippedBounty.ConfigPath], config)).Rejection);

        var publicBefore = await bounty.Public.ScoreAsync(bounty.BaselineTargets, Cancel);
        var publicAfter = await bounty.Public.ScoreAsync(gamed, Cancel);
        var heldOutBefore = await bounty.HeldOut.ScoreAsync(bounty.BaselineTargets, Cancel);
        var heldOutAfter = await bounty.HeldOut.ScoreAsync(gamed, Cancel);

        Assert.Equal(1.0, publicAfter);
        Assert.True(publicAfter > publicBefore);
        Assert.Equal(heldOutBefore, heldOutAfter);
    }

    [Fact]
    public void The_same_seed_gives_byte_identical_archives_and_another_seed_different_data()
    {
        var again = ShippedBounty.Generate(ShippedBountyFixture.Seed);
        var other = ShippedBounty.Generate(ShippedBountyFixture.Seed + 1);

        Assert.Equal(SHA256.HashData(ShippedBounty.BaselineArchive(bounty.Bounty)), SHA256.HashData(ShippedBounty.BaselineArchive(again)));
        Assert.Equal(SHA256.HashData(ShippedBounty.HeldOutArchive(bounty.Bounty)), SHA256.HashData(ShippedBounty.HeldOutArchive(again)));
        Assert.NotEqual(bounty.Bounty.HeldOutSet[ShippedBounty.MessagesFile], other.HeldOutSet[ShippedBounty.MessagesFile]);
        Assert.NotEqual(bounty.Bounty.PublicSet[ShippedBounty.MessagesFile], bounty.Bounty.HeldOutSet[ShippedBounty.MessagesFile]);
    }

    [Fact]
    public void The_archives_unpack_to_the_baseline_with_its_public_set_and_to_the_held_out_set()
    {
        var baseline = Path.Combine(bounty.Root, "unpacked-baseline");
        var heldOut = Path.Combine(bounty.Root, "unpacked-heldout");

        BountyArchive.Extract(new MemoryStream(ShippedBounty.BaselineArchive(bounty.Bounty)), baseline);
        BountyArchive.Extract(new MemoryStream(ShippedBounty.HeldOutArchive(bounty.Bounty)), heldOut);

        foreach (var (path, text) in bounty.Bounty.Baseline) { Assert.Equal(text, File.ReadAllText(Path.Combine(baseline, path))); }
        Assert.Equal(bounty.Bounty.PublicSet[ShippedBounty.MessagesFile], File.ReadAllText(Path.Combine(baseline, "public", ShippedBounty.MessagesFile)));
        Assert.Equal(bounty.Bounty.HeldOutSet[ShippedBounty.MessagesFile], File.ReadAllText(Path.Combine(heldOut, ShippedBounty.MessagesFile)));
        Assert.Equal(bounty.Bounty.HeldOutSet[ShippedBounty.CanariesFile], File.ReadAllText(Path.Combine(heldOut, ShippedBounty.CanariesFile)));
        Assert.Equal(2, Directory.EnumerateFiles(heldOut, "*", SearchOption.AllDirectories).Count());
        Assert.Equal(ShippedBounty.BaselineArchive(bounty.Bounty), BountyArchive.Create(BountyArchive.ReadFiles(baseline)));
    }
}
