using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;

namespace L402Train.Grains.Bounties;

// The bounty library (bounties/) carries no Orleans attributes so that the peer-agent uses it without
// Orleans; its two enums that cross grain interfaces (BountyTerms.Direction, BountyVerdict.DiffRejection)
// travel between silos as these surrogates, under the aliases the enums had.

/// <summary>The Orleans wire form of a <see cref="MetricDirection"/>.</summary>
[GenerateSerializer, Immutable, Alias("l402.MetricDirection")]
public struct MetricDirectionSurrogate
{
    /// <summary>The enum's value.</summary>
    [Id(0)] public int Value;
}

/// <summary>Converts <see cref="MetricDirection"/> to and from its surrogate.</summary>
[RegisterConverter]
public sealed class MetricDirectionConverter : IConverter<MetricDirection, MetricDirectionSurrogate>
{
    /// <inheritdoc />
    public MetricDirection ConvertFromSurrogate(in MetricDirectionSurrogate surrogate) => (MetricDirection)surrogate.Value;

    /// <inheritdoc />
    public MetricDirectionSurrogate ConvertToSurrogate(in MetricDirection value) => new() { Value = (int)value };
}

/// <summary>The Orleans wire form of a <see cref="DiffRejectionReason"/>.</summary>
[GenerateSerializer, Immutable, Alias("l402.DiffRejectionReason")]
public struct DiffRejectionReasonSurrogate
{
    /// <summary>The enum's value.</summary>
    [Id(0)] public int Value;
}

/// <summary>Converts <see cref="DiffRejectionReason"/> to and from its surrogate.</summary>
[RegisterConverter]
public sealed class DiffRejectionReasonConverter : IConverter<DiffRejectionReason, DiffRejectionReasonSurrogate>
{
    /// <inheritdoc />
    public DiffRejectionReason ConvertFromSurrogate(in DiffRejectionReasonSurrogate surrogate) => (DiffRejectionReason)surrogate.Value;

    /// <inheritdoc />
    public DiffRejectionReasonSurrogate ConvertToSurrogate(in DiffRejectionReason value) => new() { Value = (int)value };
}
