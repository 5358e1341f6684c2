namespace L402Train.Compression;

/// <summary>
/// One tensor's 2-bit quantizer as sent on the wire: a shift (the mean of the selected values) and
/// a four-entry lookup of bin means. A value with code q dequantizes to lookup[q] + shift; the scale
/// used to pick bins is not needed to dequantize, so it is not sent.
/// </summary>
public sealed class QuantizerTable : IEquatable<QuantizerTable>
{
    /// <summary>Number of bins (2-bit codes).</summary>
    public const int Bins = 4;

    private readonly float[] _lookup;
    private readonly float[] _dequantized;

    /// <summary>Creates a table; <paramref name="lookup"/> must hold <see cref="Bins"/> entries.</summary>
    public QuantizerTable(float shift, ReadOnlySpan<float> lookup)
    {
        if (lookup.Length != Bins)
        {
            throw new ArgumentException($"A quantizer lookup has {Bins} entries.", nameof(lookup));
        }

        Shift = shift;
        _lookup = lookup.ToArray();
        _dequantized = new float[Bins];
        for (var b = 0; b < Bins; b++)
        {
            _dequantized[b] = _lookup[b] + shift;
        }
    }

    /// <summary>The mean that was subtracted before binning.</summary>
    public float Shift { get; }

    /// <summary>Mean of the centred values in each bin (0 for an empty bin).</summary>
    public ReadOnlySpan<float> Lookup => _lookup;

    /// <summary>The four dequantized values, lookup[q] + shift, indexed by code.</summary>
    public ReadOnlySpan<float> Dequantized => _dequantized;

    /// <summary>True when every entry and every dequantized value is finite.</summary>
    public bool IsFinite
    {
        get
        {
            if (!float.IsFinite(Shift))
            {
                return false;
            }

            for (var b = 0; b < Bins; b++)
            {
                if (!float.IsFinite(_lookup[b]) || !float.IsFinite(_dequantized[b]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <inheritdoc/>
    public bool Equals(QuantizerTable? other) =>
        other is not null
        && BitConverter.SingleToInt32Bits(Shift) == BitConverter.SingleToInt32Bits(other.Shift)
        && _lookup.AsSpan().SequenceEqual(other._lookup);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as QuantizerTable);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Shift, _lookup[0], _lookup[1], _lookup[2], _lookup[3]);
}
