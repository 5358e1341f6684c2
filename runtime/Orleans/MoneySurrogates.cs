using L402Train.Lightning;

namespace L402Train.Runtime;

// Orleans serializers for the money and hash types of L402Train.Lightning, as surrogates registered
// here rather than [GenerateSerializer] on the structs: Lightning is a plain library the peer-agent
// and other clients use without Orleans, and PaymentHash/Preimage keep their bytes in a private
// field that generated code could not reach without weakening the types. Each surrogate carries the
// raw value; converting back runs the type's own checks (32 bytes, never negative). The wire ids
// (Alias) are fixed: renaming a surrogate must keep them.

/// <summary>Orleans' wire form of <see cref="Sats"/>.</summary>
[GenerateSerializer, Immutable, Alias("l402.Sats")]
internal readonly record struct SatsSurrogate([property: Id(0)] long Value);

/// <summary>Converts <see cref="Sats"/> for Orleans.</summary>
[RegisterConverter]
internal sealed class SatsSurrogateConverter : IConverter<Sats, SatsSurrogate>
{
    /// <inheritdoc/>
    public Sats ConvertFromSurrogate(in SatsSurrogate surrogate) => new(surrogate.Value);

    /// <inheritdoc/>
    public SatsSurrogate ConvertToSurrogate(in Sats value) => new(value.Value);
}

/// <summary>Orleans' wire form of <see cref="MilliSats"/>.</summary>
[GenerateSerializer, Immutable, Alias("l402.MilliSats")]
internal readonly record struct MilliSatsSurrogate([property: Id(0)] long Value);

/// <summary>Converts <see cref="MilliSats"/> for Orleans.</summary>
[RegisterConverter]
internal sealed class MilliSatsSurrogateConverter : IConverter<MilliSats, MilliSatsSurrogate>
{
    /// <inheritdoc/>
    public MilliSats ConvertFromSurrogate(in MilliSatsSurrogate surrogate) => new(surrogate.Value);

    /// <inheritdoc/>
    public MilliSatsSurrogate ConvertToSurrogate(in MilliSats value) => new(value.Value);
}

/// <summary>Orleans' wire form of <see cref="PaymentHash"/>: its 32 bytes, or none for the unset value.</summary>
[GenerateSerializer, Immutable, Alias("l402.PaymentHash")]
internal readonly record struct PaymentHashSurrogate([property: Id(0)] byte[]? Bytes);

/// <summary>Converts <see cref="PaymentHash"/> for Orleans.</summary>
[RegisterConverter]
internal sealed class PaymentHashSurrogateConverter : IConverter<PaymentHash, PaymentHashSurrogate>
{
    /// <inheritdoc/>
    public PaymentHash ConvertFromSurrogate(in PaymentHashSurrogate surrogate) =>
        surrogate.Bytes is { Length: > 0 } bytes ? new PaymentHash(bytes) : default;

    /// <inheritdoc/>
    public PaymentHashSurrogate ConvertToSurrogate(in PaymentHash value) =>
        new(value.Bytes.IsEmpty ? null : value.Bytes.ToArray());
}

/// <summary>Orleans' wire form of <see cref="Preimage"/>: its 32 bytes, or none for the unset value.</summary>
[GenerateSerializer, Immutable, Alias("l402.Preimage")]
internal readonly record struct PreimageSurrogate([property: Id(0)] byte[]? Bytes);

/// <summary>Converts <see cref="Preimage"/> for Orleans.</summary>
[RegisterConverter]
internal sealed class PreimageSurrogateConverter : IConverter<Preimage, PreimageSurrogate>
{
    /// <inheritdoc/>
    public Preimage ConvertFromSurrogate(in PreimageSurrogate surrogate) =>
        surrogate.Bytes is { Length: > 0 } bytes ? new Preimage(bytes) : default;

    /// <inheritdoc/>
    public PreimageSurrogate ConvertToSurrogate(in Preimage value) =>
        new(value.Bytes.IsEmpty ? null : value.Bytes.ToArray());
}
