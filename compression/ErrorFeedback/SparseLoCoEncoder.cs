using System.Runtime.Intrinsics;

namespace L402Train.Compression;

/// <summary>
/// Peer-side SparseLoCo compressor. It owns the peer's error-feedback (EF) buffers, one fp32 array
/// per manifest tensor, and per round does, for every tensor: EF ← β·EF + Δ; per chunk keep the k
/// largest |EF|; quantize the kept values (2-bit, one table per tensor); EF ← EF − dequantized kept
/// values. The result is a <see cref="SparseSubmission"/> that streams itself in either wire version.
/// Results do not depend on <see cref="CompressionSettings.MaxDegreeOfParallelism"/>. Not thread-safe.
/// </summary>
/// <remarks>
/// The last step touches ~1.6% of EF at scattered positions long after their cache lines left the
/// cache, which cost more than the top-k itself. So the encoder zeroes each kept position while its
/// chunk is hot (EF − v = 0 for the raw kept value v) and keeps the quantization residual v − v̂
/// aside; the next round adds β·(v − v̂) right after streaming that chunk, and reading EF adds the
/// residual first. Both orders compute exactly the same floats as the eager update.
/// </remarks>
public sealed class SparseLoCoEncoder
{
    private readonly float[][] _errorFeedback;
    private readonly int[] _k;
    private readonly (int Tensor, int Band)[] _work;
    private readonly ushort[]?[] _pendingSlots;
    private readonly float[][] _pendingResiduals;

    /// <summary>Creates an encoder with zeroed error feedback.</summary>
    public SparseLoCoEncoder(TensorManifest manifest, CompressionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Settings = settings ?? CompressionSettings.Default;
        Settings.Validate();
        Manifest = manifest;
        _errorFeedback = [.. manifest.Tensors.Select(t => new float[t.ElementCount])];
        _k = [.. manifest.Tensors.Select(t => Settings.KFor(t.Layout.ChunkLength))];
        _pendingSlots = new ushort[manifest.Count][];
        _pendingResiduals = [.. manifest.Tensors.Select((t, i) => new float[t.Layout.ChunkCount * _k[i]])];

        // One work item per band of chunk rows: big enough to amortise scheduling, small enough to balance.
        _work = [.. manifest.Tensors.SelectMany((t, i) => Enumerable.Range(0, t.Layout.ChunksDown).Select(y => (i, y)))];
    }

    /// <summary>The manifest this encoder compresses.</summary>
    public TensorManifest Manifest { get; }

    /// <summary>The settings in force.</summary>
    public CompressionSettings Settings { get; }

    /// <summary>The current error feedback of one tensor (row-major, the tensor's shape).</summary>
    public ReadOnlySpan<float> ErrorFeedback(int tensor)
    {
        SettleResidual(tensor);
        return _errorFeedback[tensor];
    }

    /// <summary>Zeroes all error feedback (the reference's null round, or after a failed round).</summary>
    public void ResetErrorFeedback()
    {
        for (var t = 0; t < _errorFeedback.Length; t++)
        {
            Array.Clear(_errorFeedback[t]);
            _pendingSlots[t] = null;
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
        _pendingSlots[tensor] = null;
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
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }

        return new SparseSubmission(Manifest, tensors);
    }

    /// <summary>EF update and top-k for one band (chunk row) of one tensor.</summary>
    /// <remarks>
    /// Chunks are filled a group at a time, row by row, so the EF and Δ reads are contiguous runs
    /// of about 2 KiB that the hardware prefetcher follows; filling one 64×64 chunk at a time would
    /// jump across 64 rows every 256 bytes.
    /// </remarks>
    private void SelectBand(BandWorker worker, int tensor, int band, ReadOnlySpan<float> delta, ushort[] indices, float[] values)
    {
        var layout = Manifest[tensor].Layout;
        var ef = _errorFeedback[tensor].AsSpan();
        var k = _k[tensor];
        var beta = Settings.ErrorFeedbackDecay;
        var width = layout.ChunkWidth;
        var length = layout.ChunkLength;
        var pendingSlots = _pendingSlots[tensor];
        var pendingResiduals = _pendingResiduals[tensor];
        var group = Math.Clamp(BandWorker.GroupFloats / length, 1, layout.ChunksAcross);
        var selected = worker.Selected.AsSpan(0, k);
        Span<Vector256<float>> squares = stackalloc Vector256<float>[group];
        Span<Vector512<float>> wideSquares = stackalloc Vector512<float>[group];
        var wideRows = Vector512.IsHardwareAccelerated && width % Vector512<float>.Count == 0;
        var vectorRows = Vector256.IsHardwareAccelerated && width % Vector256<float>.Count == 0;
        for (var x0 = 0; x0 < layout.ChunksAcross; x0 += group)
        {
            var chunks = Math.Min(group, layout.ChunksAcross - x0);
            var first = (band * layout.ChunksAcross) + x0;
            var origin = layout.ChunkOrigin(first);
            squares.Clear();
            wideSquares.Clear();
            for (var r = 0; r < layout.ChunkHeight; r++)
            {
                var offset = origin + (r * layout.Columns);
                if (wideRows)
                {
                    ErrorFeedbackRows.UpdateGroupRow512(ef.Slice(offset, chunks * width), delta.Slice(offset, chunks * width), beta, worker.Local.AsSpan(r * width), width, length, wideSquares);
                    continue;
                }

                if (vectorRows)
                {
                    ErrorFeedbackRows.UpdateGroupRow(ef.Slice(offset, chunks * width), delta.Slice(offset, chunks * width), beta, worker.Local.AsSpan(r * width), width, length, squares);
                    continue;
                }

                for (var g = 0; g < chunks; g++)
                {
                    var at = offset + (g * width);
                    var sum = ErrorFeedbackRows.UpdateRow(ef.Slice(at, width), delta.Slice(at, width), beta, worker.Local.AsSpan((g * length) + (r * width), width));
                    squares[g] = Vector256.WithElement(squares[g], 0, squares[g].GetElement(0) + sum);
                }
            }

            for (var g = 0; g < chunks; g++)
            {
                var chunk = first + g;
                var chunkOrigin = origin + (g * width);
                var local = worker.Local.AsSpan(g * length, length);
                var start = chunk * k;
                if (pendingSlots is not null)
                {
                    // Last round's quantization residual, decayed like the rest of EF.
                    for (var j = start; j < start + k; j++)
                    {
                        var add = beta * pendingResiduals[j];
                        var slot = pendingSlots[j];
                        local[slot] += add;
                        ef[chunkOrigin + layout.SlotOffset(slot)] += add;
                    }
                }

                var chunkSquares = Vector256.Sum(squares[g]) + Vector512.Sum(wideSquares[g]);
                worker.TopK.Select(local, k, selected, MathF.Sqrt(chunkSquares / length));
                for (var j = 0; j < k; j++)
                {
                    var slot = selected[j];
                    indices[start + j] = slot;
                    values[start + j] = local[slot];
                    ef[chunkOrigin + layout.SlotOffset(slot)] = 0f;
                }
            }
        }
    }

    /// <summary>Adds a tensor's pending quantization residual into its EF.</summary>
    private void SettleResidual(int tensor)
    {
        if (_pendingSlots[tensor] is not { } slots)
        {
            return;
        }

        var layout = Manifest[tensor].Layout;
        var ef = _errorFeedback[tensor];
        var residuals = _pendingResiduals[tensor];
        var k = _k[tensor];
        for (var chunk = 0; chunk < layout.ChunkCount; chunk++)
        {
            var origin = layout.ChunkOrigin(chunk);
            for (var j = chunk * k; j < (chunk + 1) * k; j++)
            {
                ef[origin + layout.SlotOffset(slots[j])] += residuals[j];
            }
        }

        _pendingSlots[tensor] = null;
    }

    /// <summary>Quantizes one tensor's kept values and records what EF still owes (v − v̂).</summary>
    private SparseTensor Transmit(int tensor, ushort[] indices, float[] values)
    {
        var spec = Manifest[tensor];
        if (!Settings.Quantize)
        {
            foreach (var v in values)
            {
                if (!float.IsFinite(v))
                {
                    throw new ArgumentException($"The pseudo-gradient or error feedback of '{spec.Name}' holds NaN or infinity.");
                }
            }

            _pendingSlots[tensor] = null;
            return new SparseTensor(spec, _k[tensor], indices, values, null, null);
        }

        var codes = new byte[values.Length];
        QuantizerTable table;
        try
        {
            table = StatisticalQuantizer.Quantize(values, codes, Settings.QuantizationRange);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The pseudo-gradient or error feedback of '{spec.Name}' holds NaN or infinity.", e);
        }

        var dequantized = table.Dequantized;
        var residuals = _pendingResiduals[tensor];
        for (var j = 0; j < values.Length; j++)
        {
            var sent = dequantized[codes[j]];
            residuals[j] = values[j] - sent;
            values[j] = sent;
        }

        _pendingSlots[tensor] = indices;
        return new SparseTensor(spec, _k[tensor], indices, values, table, codes);
    }

    /// <summary>Per-thread scratch: a group of chunks in chunk-local order and the selector.</summary>
    private sealed class BandWorker
    {
        /// <summary>Floats of chunk-local scratch: 8 full chunks (128 KiB), comfortably inside L2.</summary>
        public const int GroupFloats = 8 * 4096;

        public ChunkTopK TopK { get; } = new();

        public float[] Local { get; } = new float[GroupFloats];

        public ushort[] Selected { get; } = new ushort[4096];
    }
}
