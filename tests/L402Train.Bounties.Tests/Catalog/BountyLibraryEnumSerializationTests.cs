using L402Train.Lightning;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Xunit;

namespace L402Train.Bounties.Tests.Catalog;

/// <summary>
/// The bounty library carries no Orleans attributes; its enums that cross grain interfaces (the terms' metric
/// direction, the verdict's diff rejection) are serialized by the codecs Orleans generates in the grains for the
/// fields that hold them: terms and verdicts survive the Orleans serializer and copier intact.
/// </summary>
public sealed class BountyLibraryEnumSerializationTests
{
    [Theory]
    [InlineData(DiffRejectionReason.Symlink)]
    [InlineData(DiffRejectionReason.DoesNotApply)]
    public void A_verdict_keeps_its_diff_rejection_through_the_orleans_serializer_and_copier(DiffRejectionReason reason)
    {
        using var services = Services();
        var verdict = new BountyVerdict(BountyVerdictReason.DiffRejected, "a symlink", DiffRejection: reason);

        var read = services.GetRequiredService<Serializer>().Deserialize<BountyVerdict>(services.GetRequiredService<Serializer>().SerializeToArray(verdict))!;
        var copy = services.GetRequiredService<DeepCopier>().Copy(verdict)!;

        Assert.Equal(reason, read.DiffRejection);
        Assert.Equal(verdict.Code, read.Code);
        Assert.Equal(reason, copy.DiffRejection);
        Assert.Null(services.GetRequiredService<Serializer>().Deserialize<BountyVerdict>(
            services.GetRequiredService<Serializer>().SerializeToArray(verdict with { DiffRejection = null }))!.DiffRejection);
    }

    [Theory]
    [InlineData(MetricDirection.Maximize)]
    [InlineData(MetricDirection.Minimize)]
    public void Terms_keep_their_metric_direction_through_the_orleans_serializer_and_copier(MetricDirection direction)
    {
        using var services = Services();
        var terms = new BountyTerms("t", "d", "loss", direction, "./eval.sh", ["*.py"], [], 10_000, new Sats(1_000),
            DateTimeOffset.UnixEpoch.AddDays(1), 100, 0.01, 30, 256, 1);

        var read = services.GetRequiredService<Serializer>().Deserialize<BountyTerms>(services.GetRequiredService<Serializer>().SerializeToArray(terms))!;
        var copy = services.GetRequiredService<DeepCopier>().Copy(terms)!;

        Assert.Equal(direction, read.Direction);
        Assert.Equal(direction, copy.Direction);
    }

    private static ServiceProvider Services() =>
        new ServiceCollection().AddSerializer(builder => builder.AddAssembly(typeof(BountyVerdict).Assembly)).BuildServiceProvider();
}
