using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace L402Train.Compression;

/// <summary>
/// Applies aggregated updates to the model's parameters: θ ← θ − α·g, where g is the update or,
/// with momentum, torch SGD's buf ← μ·buf + update and g = buf (or update + μ·buf for Nesterov).
/// A tensor whose update holds NaN or infinity is skipped, parameters and momentum untouched, as the
/// reference does. Element-wise with separate multiply and add, so replicas agree bit for bit.
/// </summary>
public sealed class OuterOptimizer
{
    private readonly float[][]? _momentum;

    /// <summary>Creates the optimizer; momentum buffers (if any) start at zero.</summary>
    public OuterOptimizer(TensorManifest manifest, OuterStepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        Options = options ?? new OuterStepOptions();
        if (!float.IsFinite(Options.LearningRate) || !float.IsFinite(Options.Momentum) || Options.Momentum is < 0 or >= 1)
        {
            throw new ArgumentException("Learning rate must be finite and momentum in [0, 1).", nameof(options));
        }

        if (Options.Momentum > 0)
        {
            _momentum = [.. manifest.Tensors.Select(t => new float[t.ElementCount])];
        }
    }

    /// <summary>The manifest.</summary>
    public TensorManifest Manifest { get; }

    /// <summary>The options.</summary>
    public OuterStepOptions Options { get; }

    /// <summary>Momentum buffers per tensor (null without momentum), for checkpointing the optimizer.</summary>
    public IReadOnlyList<float[]>? MomentumBuffers => _momentum;

    /// <summary>One outer step. Returns the names of tensors skipped for non-finite updates.</summary>
    public IReadOnlyList<string> Step(IReadOnlyList<float[]> parameters, IReadOnlyList<float[]> update)
    {
        Check(parameters, update);
        var skipped = new List<string>();
        for (var t = 0; t < Manifest.Count; t++)
        {
            if (!AllFinite(update[t]))
            {
                skipped.Add(Manifest[t].Name);
                continue;
            }

            if (_momentum is null)
            {
                SubtractScaled(parameters[t], update[t], Options.LearningRate);
                continue;
            }

            var buffer = _momentum[t];
            var g = update[t];
            var mu = Options.Momentum;
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (mu * buffer[i]) + g[i];
                var step = Options.Nesterov ? g[i] + (mu * buffer[i]) : buffer[i];
                parameters[t][i] -= Options.LearningRate * step;
            }
        }

        return skipped;
    }

    /// <summary>
    /// θ ← θ − α·update without state, e.g. the validator's trial of one peer's clipped update at
    /// α·0.2. Returns the names of tensors skipped for non-finite updates.
    /// </summary>
    public static IReadOnlyList<string> Apply(TensorManifest manifest, IReadOnlyList<float[]> parameters, IReadOnlyList<float[]> update, float learningRate)
    {
        var plain = new OuterOptimizer(manifest, new OuterStepOptions { LearningRate = learningRate });
        return plain.Step(parameters, update);
    }

    private void Check(IReadOnlyList<float[]> parameters, IReadOnlyList<float[]> update)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(update);
        if (parameters.Count != Manifest.Count || update.Count != Manifest.Count)
        {
            throw new ArgumentException($"Parameters and update need {Manifest.Count} tensors each.");
        }

        for (var t = 0; t < Manifest.Count; t++)
        {
            if (parameters[t].Length != Manifest[t].ElementCount || update[t].Length != Manifest[t].ElementCount)
            {
                throw new ArgumentException($"Tensor {Manifest[t]} needs {Manifest[t].ElementCount} elements in parameters and update.");
            }
        }
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    private static void SubtractScaled(Span<float> parameters, ReadOnlySpan<float> update, float rate)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var p = ref MemoryMarshal.GetReference(parameters);
            ref var u = ref MemoryMarshal.GetReference(update);
            var r = Vector256.Create(rate);
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref p, (nuint)i) - (r * Vector256.LoadUnsafe(ref u, (nuint)i))).StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < parameters.Length; i++)
        {
            parameters[i] -= rate * update[i];
        }
    }
}
