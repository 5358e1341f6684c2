using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using L402Train.Model.Kernels;
using L402Train.Model.Tensors;

namespace L402Train.Model.Optim;

/// <summary>
/// AdamW with bias correction, decoupled weight decay on 2-D tensors, global-norm gradient
/// clipping and the schedule of <see cref="AdamWOptions"/>. Holds the moment buffers, so keep one
/// instance per model across steps (and rounds, if the inner optimizer state should persist).
/// </summary>
public sealed class AdamW
{
    private readonly float[] _m;
    private readonly float[] _v;
    private readonly bool[] _decay;
    private readonly WorkSplitter _work;

    /// <summary>Creates zeroed moments for a parameter layout.</summary>
    public AdamW(IReadOnlyList<TensorSpec> layout, AdamWOptions options, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        var count = layout.Count == 0 ? 0 : layout[^1].Offset + layout[^1].Length;
        _m = new float[count];
        _v = new float[count];
        _decay = [.. layout.Select(spec => spec.Shape.Count >= 2)];
        Layout = layout;
        _work = new WorkSplitter(threads > 0 ? threads : Environment.ProcessorCount);
    }

    /// <summary>Hyperparameters.</summary>
    public AdamWOptions Options { get; }

    /// <summary>The layout the moments were made for.</summary>
    public IReadOnlyList<TensorSpec> Layout { get; }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>Global L2 norm of the last gradient before clipping.</summary>
    public double LastGradientNorm { get; private set; }

    /// <summary>Clears the moments and the step count.</summary>
    public void Reset()
    {
        Array.Clear(_m);
        Array.Clear(_v);
        StepCount = 0;
    }

    /// <summary>One update of <paramref name="parameters"/> from <paramref name="gradients"/> (clipped in place).</summary>
    public void Step(ParameterSet parameters, ParameterSet gradients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradients);
        if (parameters.Count != _m.Length || gradients.Count != _m.Length)
        {
            throw new ArgumentException("Parameters and gradients must match the optimizer's layout.");
        }

        var norm = GlobalNorm(gradients.Buffer);
        LastGradientNorm = norm;
        var clip = Options.GradientClipNorm > 0 && norm > Options.GradientClipNorm ? (float)(Options.GradientClipNorm / norm) : 1f;
        var lr = Options.LearningRateAt(StepCount);
        StepCount++;
        var correction1 = (float)(1 - Math.Pow(Options.Beta1, StepCount));
        var correction2 = (float)(1 - Math.Pow(Options.Beta2, StepCount));
        for (var i = 0; i < Layout.Count; i++)
        {
            var spec = Layout[i];
            var decay = _decay[i] ? Options.WeightDecay : 0f;
            var update = new Update(parameters.Buffer, gradients.Buffer, _m, _v, spec.Offset, Options, lr, decay, clip, correction1, correction2);
            _work.For(spec.Length, 64, 16, update.Run);
        }
    }

    /// <summary>√Σg², summed per tensor block in a fixed order in double (identical for any thread count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double GlobalNorm(float[] g)
    {
        double total = 0;
        const int block = 4096;
        for (var start = 0; start < g.Length; start += block)
        {
            var length = Math.Min(block, g.Length - start);
            var acc = Vector256<float>.Zero;
            ref var x = ref MemoryMarshal.GetArrayDataReference(g);
            var i = start;
            for (; i <= start + length - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref x, (nuint)i);
                acc = Simd.Fma(v, v, acc);
            }

            double partial = Simd.Sum(acc);
            for (; i < start + length; i++)
            {
                partial += (double)g[i] * g[i];
            }

            total += partial;
        }

        return Math.Sqrt(total);
    }

    private sealed class Update(
        float[] p, float[] g, float[] m, float[] v, int offset, AdamWOptions o, float lr, float decay, float clip, float c1, float c2)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            var b1 = o.Beta1;
            var b2 = o.Beta2;
            var eps = o.Epsilon;
            for (var i = offset + start; i < offset + end; i++)
            {
                var grad = g[i] * clip;
                g[i] = grad;
                var mi = (b1 * m[i]) + ((1 - b1) * grad);
                var vi = (b2 * v[i]) + ((1 - b2) * grad * grad);
                m[i] = mi;
                v[i] = vi;
                var mHat = mi / c1;
                var vHat = vi / c2;
                p[i] -= lr * ((mHat / (MathF.Sqrt(vHat) + eps)) + (decay * p[i]));
            }
        }
    }
}
