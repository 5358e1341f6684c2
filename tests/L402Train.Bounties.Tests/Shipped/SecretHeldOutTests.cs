using L402Train.Bounties.Shipped;
using L402Train.PeerAgent.Bounties;
using Xunit;

namespace L402Train.Bounties.Tests.Shipped;

/// <summary>
/// The held-out set a sponsor posts cannot be rebuilt from anything published. The attack suite's
/// <c>regenerated-held-out</c> attacker (tests/L402Train.Attacks) was accepted and paid 8,000 sat when
/// the example folder drew both sets from seed 42: it regenerated the held-out set and memorised it.
/// </summary>
public sealed class SecretHeldOutTests
{
    private static readonly GeneratedBounty Seed42 = ShippedBounty.Generate(42);

    [Fact]
    public void The_example_folder_ships_the_seed_42_public_set_with_a_held_out_set_that_seed_42_does_not_give()
    {
        using var dir = new TempFolder();
        SponsorFolder.WriteExample(dir.Path);

        Assert.Equal(Seed42.PublicSet[ShippedBounty.MessagesFile], Read(dir.Path, "baseline/public/messages.tsv"));
        var heldOut = Read(dir.Path, "heldout/messages.tsv");
        Assert.NotEqual(Seed42.HeldOutSet[ShippedBounty.MessagesFile], heldOut);
        Assert.Equal(400 + ShippedBounty.CanaryCount, heldOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void The_redrawn_sets_keep_their_canaries_labelled_the_held_out_way_and_the_holdback_slice_is_redrawn_too()
    {
        var redrawn = SecretHeldOut.Redraw(Seed42, 400, secretSeed: 99);

        foreach (var (seeded, secret) in new[] { (Seed42.HeldOutSet, redrawn.HeldOutSet), (Seed42.HoldbackSet, redrawn.HoldbackSet) })
        {
            Assert.Equal(seeded[ShippedBounty.CanariesFile], secret[ShippedBounty.CanariesFile]);
            var seededLines = seeded[ShippedBounty.MessagesFile].Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var secretLines = secret[ShippedBounty.MessagesFile].Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(seededLines.TakeLast(ShippedBounty.CanaryCount), secretLines.TakeLast(ShippedBounty.CanaryCount));
            Assert.NotEqual(seededLines.Take(400), secretLines.Take(400));
        }
        Assert.NotEqual(redrawn.HeldOutSet[ShippedBounty.MessagesFile], redrawn.HoldbackSet[ShippedBounty.MessagesFile]);
    }

    [Fact]
    public void Two_example_folders_get_different_held_out_sets()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();
        SponsorFolder.WriteExample(first.Path);
        SponsorFolder.WriteExample(second.Path);

        Assert.NotEqual(Read(first.Path, "heldout/messages.tsv"), Read(second.Path, "heldout/messages.tsv"));
    }

    [Fact]
    public void A_secret_seed_reproduces_its_held_out_set_and_keeps_the_public_set()
    {
        var once = SecretHeldOut.Redraw(Seed42, 400, secretSeed: 1234);
        var twice = SecretHeldOut.Redraw(Seed42, 400, secretSeed: 1234);

        Assert.Equal(once.HeldOutSet[ShippedBounty.MessagesFile], twice.HeldOutSet[ShippedBounty.MessagesFile]);
        Assert.NotEqual(Seed42.HeldOutSet[ShippedBounty.MessagesFile], once.HeldOutSet[ShippedBounty.MessagesFile]);
        Assert.Equal(Seed42.PublicSet, once.PublicSet);
        Assert.Equal(Seed42.Baseline, once.Baseline);
    }

    private static string Read(string root, string path) => File.ReadAllText(System.IO.Path.Combine(root, path));

    private sealed class TempFolder : IDisposable
    {
        private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-secret-heldout-");

        // WriteExample wants a folder that does not exist yet or is empty.
        public string Path => System.IO.Path.Combine(dir.FullName, "example");

        public void Dispose() => dir.Delete(recursive: true);
    }
}
