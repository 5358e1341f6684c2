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
    private readonly float[] _decayMask;
    private readonly WorkSplitter _work;

    /// <summary>Creates zeroed moments for a parameter layout.</summary>
    public AdamW(IReadOnlyList<TensorSlot> layout, AdamWOptions options, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        var count = layout.Count == 0 ? 0 : layout[^1].Offset + layout[^1].Length;
        _m = new float[count];
        _v = new float[count];
        // 1 where decay applies (2-D tensors), 0 elsewhere: lets the update run as one flat vector pass.
        _decayMask = new float[count];
        foreach (var spec in layout.Where(spec => spec.Shape.Count >= 2))
        {
            _decayMask.AsSpan(spec.Offset, spec.Length).Fill(1f);
        }
        Layout = layout;
        _work = new WorkSplitter(threads > 0 ? threads : Environment.ProcessorCount);
    }

    /// <summary>Hyperparameters.</summary>
    public AdamWOptions Options { get; }

    /// <summary>The layout the moments were made for.</summary>
    public IReadOnlyList<TensorSlot> Layout { get; }

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
        var update = new Update(parameters.Buffer, gradients.Buffer, _m, _v, _decayMask, Options, lr, clip, correction1, correction2);
        RangeJob<Update>.Run(_work, _m.Length, 64, 16, update);
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

    private readonly struct Update(
        float[] p, float[] g, float[] m, float[] v, float[] decayMask, AdamWOptions o, float lr, float clip, float c1, float c2) : IRangeJob
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            var b1 = o.Beta1;
            var b2 = o.Beta2;
            var eps = o.Epsilon;
            var decay = lr * o.WeightDecay;
            var i = start;
            if (Vector256.IsHardwareAccelerated)
            {
                var vb1 = Vector256.Create(b1);
                var vb2 = Vector256.Create(b2);
                var va1 = Vector256.Create(1 - b1);
                var va2 = Vector256.Create(1 - b2);
                var vclip = Vector256.Create(clip);
                var vc1 = Vector256.Create(1 / c1);
                var vc2 = Vector256.Create(1 / c2);
                var veps = Vector256.Create(eps);
                var vlr = Vector256.Create(lr);
                var vdecay = Vector256.Create(decay);
                for (; i <= end - 8; i += 8)
                {
                    var grad = Vector256.LoadUnsafe(ref g[0], (nuint)i) * vclip;
                    grad.StoreUnsafe(ref g[0], (nuint)i);
                    var mi = (vb1 * Vector256.LoadUnsafe(ref m[0], (nuint)i)) + (va1 * grad);
                    var vi = (vb2 * Vector256.LoadUnsafe(ref v[0], (nuint)i)) + (va2 * grad * grad);
                    mi.StoreUnsafe(ref m[0], (nuint)i);
                    vi.StoreUnsafe(ref v[0], (nuint)i);
                    var w = Vector256.LoadUnsafe(ref p[0], (nuint)i);
                    var step = (vlr * (mi * vc1) / (Vector256.Sqrt(vi * vc2) + veps)) + (vdecay * Vector256.LoadUnsafe(ref decayMask[0], (nuint)i) * w);
                    (w - step).StoreUnsafe(ref p[0], (nuint)i);
                }
            }

            // The scalar tail performs the same operations in the same order as each vector lane.
            for (; i < end; i++)
            {
                var grad = g[i] * clip;
                g[i] = grad;
                var mi = (b1 * m[i]) + ((1 - b1) * grad);
                var vi = (b2 * v[i]) + ((1 - b2) * grad * grad);
                m[i] = mi;
                v[i] = vi;
                var w = p[i];
                p[i] = w - ((lr * (mi * (1 / c1)) / (MathF.Sqrt(vi * (1 / c2)) + eps)) + (decay * decayMask[i] * w));
            }
        }
    }
}
