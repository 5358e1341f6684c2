using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace L402Train.Compression;

/// <summary>
/// Peer-side SparseLoCo compressor. It owns the peer's error-feedback (EF) buffers, one fp32 array
/// per manifest tensor, and per round does, for every tensor: EF ← β·EF + Δ; per chunk keep the k
/// largest |EF|; quantize the kept values (2-bit, one table per tensor); EF ← EF − dequantized kept
/// values. The result is a <see cref="SparseSubmission"/> that streams itself in either wire version.
/// Results do not depend on <see cref="CompressionSettings.MaxDegreeOfParallelism"/>. Not thread-safe.
/// </summary>
public sealed class SparseLoCoEncoder
{
    private readonly float[][] _errorFeedback;
    private readonly int[] _k;
    private readonly (int Tensor, int Band)[] _work;

    /// <summary>Creates an encoder with zeroed error feedback.</summary>
    public SparseLoCoEncoder(TensorManifest manifest, CompressionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Settings = settings ?? CompressionSettings.Default;
        Settings.Validate();
        Manifest = manifest;
        _errorFeedback = [.. manifest.Tensors.Select(t => new float[t.ElementCount])];
        _k = [.. manifest.Tensors.Select(t => Settings.KFor(t.Layout.ChunkLength))];

        // One work item per band of chunk rows: big enough to amortise scheduling, small enough to balance.
        _work = [.. manifest.Tensors.SelectMany((t, i) => Enumerable.Range(0, t.Layout.ChunksDown).Select(y => (i, y)))];
    }

    /// <summary>The manifest this encoder compresses.</summary>
    public TensorManifest Manifest { get; }

    /// <summary>The settings in force.</summary>
    public CompressionSettings Settings { get; }

    /// <summary>The current error feedback of one tensor (row-major, the tensor's shape).</summary>
    public ReadOnlySpan<float> ErrorFeedback(int tensor) => _errorFeedback[tensor];

    /// <summary>Zeroes all error feedback (the reference's null round, or after a failed round).</summary>
    public void ResetErrorFeedback()
    {
        foreach (var ef in _errorFeedback)
        {
            Array.Clear(ef);
        }
    }

    /// <summary>Restores one tensor's error feedback (resuming a peer from saved state).</summary>
    public void LoadErrorFeedback(int tensor, ReadOnlySpan<float> values)
    {
        if (values.Length != _errorFeedback[tensor].Length)
        {
            throw new ArgumentException($"{Manifest[tensor]} needs {_errorFeedback[tensor].Length} values.", nameof(values));
        }

        values.CopyTo(_errorFeedback[tensor]);
    }

    /// <summary>Compresses a pseudo-gradient given by tensor name (every manifest tensor must be present).</summary>
    public SparseSubmission Compress(IReadOnlyDictionary<string, float[]> pseudoGradient)
    {
        ArgumentNullException.ThrowIfNull(pseudoGradient);
        var ordered = new ReadOnlyMemory<float>[Manifest.Count];
        for (var i = 0; i < Manifest.Count; i++)
        {
            if (!pseudoGradient.TryGetValue(Manifest[i].Name, out var values))
            {
                throw new ArgumentException($"The pseudo-gradient lacks tensor '{Manifest[i].Name}'.", nameof(pseudoGradient));
            }

            ordered[i] = values;
        }

        return Compress(ordered);
    }

    /// <summary>Compresses a pseudo-gradient (θ_start − θ_end), one buffer per manifest tensor in order.</summary>
    /// <exception cref="ArgumentException">Wrong count or sizes, or non-finite values (EF is then reset).</exception>
    public SparseSubmission Compress(IReadOnlyList<ReadOnlyMemory<float>> pseudoGradient)
    {
        ArgumentNullException.ThrowIfNull(pseudoGradient);
        if (pseudoGradient.Count != Manifest.Count)
        {
            throw new ArgumentException($"{pseudoGradient.Count} tensors for a manifest of {Manifest.Count}.", nameof(pseudoGradient));
        }

        for (var i = 0; i < Manifest.Count; i++)
        {
            if (pseudoGradient[i].Length != Manifest[i].ElementCount)
            {
                throw new ArgumentException($"Tensor {Manifest[i]} got {pseudoGradient[i].Length} values.", nameof(pseudoGradient));
            }
        }

        var indices = new ushort[Manifest.Count][];
        var values = new float[Manifest.Count][];
        for (var i = 0; i < Manifest.Count; i++)
        {
            indices[i] = new ushort[Manifest[i].Layout.ChunkCount * _k[i]];
            values[i] = new float[indices[i].Length];
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Settings.MaxDegreeOfParallelism };
        if (Settings.MaxDegreeOfParallelism == 1)
        {
            var worker = new BandWorker();
            foreach (var (tensor, band) in _work)
            {
                SelectBand(worker, tensor, band, pseudoGradient[tensor].Span, indices[tensor], values[tensor]);
            }
        }
        else
        {
            Parallel.For(0, _work.Length, parallel, () => new BandWorker(), (w, _, worker) =>
            {
                var (tensor, band) = _work[w];
                SelectBand(worker, tensor, band, pseudoGradient[tensor].Span, indices[tensor], values[tensor]);
                return worker;
            }, static _ => { });
        }

        var tensors = new SparseTensor[Manifest.Count];
        try
        {
            Parallel.For(0, Manifest.Count, parallel, i => tensors[i] = Transmit(i, indices[i], values[i]));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is ArgumentException))
        {
            // EF now holds non-finite values; zero it so the next round starts clean.
            ResetErrorFeedback();
            throw e.InnerExceptions[0];
        }

        return new SparseSubmission(Manifest, tensors);
    }

    /// <summary>EF update and top-k for one band (chunk row) of one tensor.</summary>
    private void SelectBand(BandWorker worker, int tensor, int band, ReadOnlySpan<float> delta, ushort[] indices, float[] values)
    {
        var layout = Manifest[tensor].Layout;
        var ef = _errorFeedback[tensor].AsSpan();
        var k = _k[tensor];
        var beta = Settings.ErrorFeedbackDecay;
        var local = worker.Local.AsSpan(0, layout.ChunkLength);
        var selected = worker.Selected.AsSpan(0, k);
        for (var x = 0; x < layout.ChunksAcross; x++)
        {
            var chunk = (band * layout.ChunksAcross) + x;
            var origin = layout.ChunkOrigin(chunk);
            for (var r = 0; r < layout.ChunkHeight; r++)
            {
                var offset = origin + (r * layout.Columns);
                UpdateRow(ef.Slice(offset, layout.ChunkWidth), delta.Slice(offset, layout.ChunkWidth), beta, local.Slice(r * layout.ChunkWidth, layout.ChunkWidth));
            }

            worker.TopK.Select(local, k, selected);
            var start = chunk * k;
            for (var j = 0; j < k; j++)
            {
                indices[start + j] = selected[j];
                values[start + j] = local[selected[j]];
            }
        }
    }

    /// <summary>ef ← β·ef + δ, copying the result into the chunk-local buffer.</summary>
    private static void UpdateRow(Span<float> ef, ReadOnlySpan<float> delta, float beta, Span<float> local)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && ef.Length >= Vector256<float>.Count)
        {
            ref var e = ref MemoryMarshal.GetReference(ef);
            ref var d = ref MemoryMarshal.GetReference(delta);
            ref var l = ref MemoryMarshal.GetReference(local);
            var b = Vector256.Create(beta);
            for (; i <= ef.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var updated = (Vector256.LoadUnsafe(ref e, (nuint)i) * b) + Vector256.LoadUnsafe(ref d, (nuint)i);
                updated.StoreUnsafe(ref e, (nuint)i);
                updated.StoreUnsafe(ref l, (nuint)i);
            }
        }

        for (; i < ef.Length; i++)
        {
            var updated = (ef[i] * beta) + delta[i];
            ef[i] = updated;
            local[i] = updated;
        }
    }

    /// <summary>Quantizes one tensor's kept values and subtracts what is transmitted from its EF.</summary>
    private SparseTensor Transmit(int tensor, ushort[] indices, float[] values)
    {
        var spec = Manifest[tensor];
        QuantizerTable? table = null;
        byte[]? codes = null;
        if (Settings.Quantize)
        {
            codes = new byte[values.Length];
            try
            {
                table = StatisticalQuantizer.Quantize(values, codes, Settings.QuantizationRange);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The pseudo-gradient or error feedback of '{spec.Name}' holds NaN or infinity.", e);
            }

            var dequantized = table.Dequantized;
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = dequantized[codes[j]];
            }
        }
        else
        {
            foreach (var v in values)
            {
                if (!float.IsFinite(v))
                {
                    throw new ArgumentException($"The pseudo-gradient or error feedback of '{spec.Name}' holds NaN or infinity.");
                }
            }
        }

        var layout = spec.Layout;
        var ef = _errorFeedback[tensor];
        var k = _k[tensor];
        for (var chunk = 0; chunk < layout.ChunkCount; chunk++)
        {
            var origin = layout.ChunkOrigin(chunk);
            for (var j = chunk * k; j < (chunk + 1) * k; j++)
            {
                var (r, c) = Math.DivRem(indices[j], layout.ChunkWidth);
                ef[origin + (r * layout.Columns) + c] -= values[j];
            }
        }

        return new SparseTensor(spec, k, indices, values, table, codes);
    }

    /// <summary>Per-thread scratch: the chunk in chunk-local order and the selector.</summary>
    private sealed class BandWorker
    {
        public ChunkTopK TopK { get; } = new();

        public float[] Local { get; } = new float[4096];

        public ushort[] Selected { get; } = new ushort[4096];
    }
}
