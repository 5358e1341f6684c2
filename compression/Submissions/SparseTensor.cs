namespace L402Train.Compression;

/// <summary>
/// One tensor's transmitted estimate: per chunk, k chunk-local slots and their dequantized values
/// (chunk c's entries are [c·k, (c+1)·k)). This is what a peer subtracts from its error feedback
/// and what a validator applies.
/// </summary>
public sealed class SparseTensor
{
    private readonly ushort[] _indices;
    private readonly float[] _values;
    private readonly byte[]? _codes;

    internal SparseTensor(TensorSpec spec, int k, ushort[] indices, float[] values, QuantizerTable? table, byte[]? codes)
    {
        Spec = spec;
        K = k;
        _indices = indices;
        _values = values;
        Table = table;
        _codes = codes;
    }

    /// <summary>
    /// Builds an estimate from raw fp32 values (no quantizer), e.g. for tests or a validator's own
    /// synthetic updates. <paramref name="indices"/> holds k slots per chunk, each below the chunk
    /// length and distinct within its chunk; values must be finite.
    /// </summary>
    public static SparseTensor FromValues(TensorSpec spec, int k, ReadOnlySpan<ushort> indices, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var layout = spec.Layout;
        if (k < 1 || k > layout.ChunkLength || indices.Length != (long)layout.ChunkCount * k || values.Length != indices.Length)
        {
            throw new ArgumentException($"{spec} needs k in [1, {layout.ChunkLength}] and {layout.ChunkCount}·k indices and values.");
        }

        Span<ulong> seen = stackalloc ulong[64];
        for (var chunk = 0; chunk < layout.ChunkCount; chunk++)
        {
            seen.Clear();
            foreach (var slot in indices.Slice(chunk * k, k))
            {
                if (slot >= layout.ChunkLength || (seen[slot >> 6] & (1ul << slot)) != 0)
                {
                    throw new ArgumentException($"Slot {slot} of chunk {chunk} is out of range or repeated.", nameof(indices));
                }

                seen[slot >> 6] |= 1ul << slot;
            }
        }

        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException("Values must be finite.", nameof(values));
            }
        }

        return new SparseTensor(spec, k, indices.ToArray(), values.ToArray(), null, null);
    }

    /// <summary>The tensor this estimate is for.</summary>
    public TensorSpec Spec { get; }

    /// <summary>Values per chunk.</summary>
    public int K { get; }

    /// <summary>Chunk-local slots (each below the chunk length), k per chunk in chunk order.</summary>
    public ReadOnlySpan<ushort> Indices => _indices;

    /// <summary>Dequantized values, aligned with <see cref="Indices"/>.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The quantizer table, or null when values are carried as raw fp32.</summary>
    public QuantizerTable? Table { get; }

    /// <summary>2-bit codes aligned with <see cref="Indices"/> (empty when values are raw).</summary>
    internal ReadOnlySpan<byte> Codes => _codes;

    internal ushort[] IndexArray => _indices;

    internal float[] ValueArray => _values;

    /// <summary>This tensor with every chunk's slots ascending (itself when they already are), for gap coding.</summary>
    internal SparseTensor SortedBySlot()
    {
        var sorted = true;
        for (var start = 0; start < _indices.Length && sorted; start += K)
        {
            for (var i = start + 1; i < start + K; i++)
            {
                sorted &= _indices[i - 1] < _indices[i];
            }
        }

        if (sorted)
        {
            return this;
        }

        var indices = (ushort[])_indices.Clone();
        var values = (float[])_values.Clone();
        var codes = (byte[]?)_codes?.Clone();
        var order = new int[K];
        for (var start = 0; start < indices.Length; start += K)
        {
            for (var j = 0; j < K; j++)
            {
                order[j] = start + j;
            }

            Array.Sort(order, (a, b) => _indices[a].CompareTo(_indices[b]));
            for (var j = 0; j < K; j++)
            {
                indices[start + j] = _indices[order[j]];
                values[start + j] = _values[order[j]];
                if (codes is not null)
                {
                    codes[start + j] = _codes![order[j]];
                }
            }
        }

        return new SparseTensor(Spec, K, indices, values, Table, codes);
    }

    /// <summary>The k slots of one chunk.</summary>
    public ReadOnlySpan<ushort> ChunkIndices(int chunk) => _indices.AsSpan(chunk * K, K);

    /// <summary>The k values of one chunk.</summary>
    public ReadOnlySpan<float> ChunkValues(int chunk) => _values.AsSpan(chunk * K, K);

    /// <summary>L2 norm of the values, summed in double in a fixed order (deterministic).</summary>
    public double Norm()
    {
        double sum = 0;
        foreach (var v in _values)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>Adds <paramref name="scale"/> × this estimate into a dense tensor of the spec's shape.</summary>
    public void AddTo(Span<float> dense, float scale = 1f)
    {
        if (dense.Length != Spec.ElementCount)
        {
            throw new ArgumentException($"Dense buffer holds {dense.Length} elements; {Spec} needs {Spec.ElementCount}.", nameof(dense));
        }

        var layout = Spec.Layout;
        for (var chunk = 0; chunk < layout.ChunkCount; chunk++)
        {
            var origin = layout.ChunkOrigin(chunk);
            var start = chunk * K;
            for (var i = start; i < start + K; i++)
            {
                dense[origin + layout.SlotOffset(_indices[i])] += scale * _values[i];
            }
        }
    }

    /// <summary>A new dense tensor holding this estimate.</summary>
    public float[] ToDense()
    {
        var dense = new float[Spec.ElementCount];
        AddTo(dense);
        return dense;
    }
}
