namespace L402Train.Compression;

/// <summary>
/// The reference's 2-bit "statistical" quantizer (Templar <c>_quantize_values</c>, SparseLoCo
/// <c>_quantize</c>), one table per tensor over all its selected values:
/// shift = mean(v); c = v − shift; σ̂ = ‖c‖₂/√(n−1); scale = range·σ̂/4 (1 when 0 or non-finite);
/// q = clamp(round_half_even(c/scale + 2), 0, 3); lookup[b] = mean of c over bin b (0 when empty).
/// </summary>
public static class StatisticalQuantizer
{
    /// <summary>Quantizes <paramref name="values"/> into <paramref name="codes"/> and returns the table.</summary>
    /// <param name="values">The selected values of one tensor.</param>
    /// <param name="codes">Receives one code (0–3) per value.</param>
    /// <param name="range">Range in standard deviations (the reference's 6).</param>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static QuantizerTable Quantize(ReadOnlySpan<float> values, Span<byte> codes, float range = 6f)
    {
        if (codes.Length < values.Length)
        {
            throw new ArgumentException("One code per value is needed.", nameof(codes));
        }

        var n = values.Length;
        Span<float> lookup = stackalloc float[QuantizerTable.Bins];
        if (n == 0)
        {
            return new QuantizerTable(0f, lookup);
        }

        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        if (!double.IsFinite(sum))
        {
            throw new ArgumentException("Values to quantize contain NaN or infinity.", nameof(values));
        }

        var shift = (float)(sum / n);
        double squares = 0;
        foreach (var v in values)
        {
            double c = v - shift;
            squares += c * c;
        }

        var sigma = Math.Sqrt(squares / (n - 1));
        var scale = (float)(range * sigma / QuantizerTable.Bins);
        if (scale == 0f || !float.IsFinite(scale))
        {
            scale = 1f;
        }

        const float offset = QuantizerTable.Bins / 2;
        Span<double> binSums = stackalloc double[QuantizerTable.Bins];
        Span<int> binCounts = stackalloc int[QuantizerTable.Bins];
        for (var i = 0; i < n; i++)
        {
            var c = values[i] - shift;
            var q = (int)Math.Clamp(MathF.Round((c / scale) + offset, MidpointRounding.ToEven), 0f, QuantizerTable.Bins - 1);
            codes[i] = (byte)q;
            binSums[q] += c;
            binCounts[q]++;
        }

        for (var b = 0; b < QuantizerTable.Bins; b++)
        {
            lookup[b] = binCounts[b] == 0 ? 0f : (float)(binSums[b] / binCounts[b]);
        }

        return new QuantizerTable(shift, lookup);
    }
}
