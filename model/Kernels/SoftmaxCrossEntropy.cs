using System.Numerics;
using System.Runtime.CompilerServices;

namespace L402Train.Model.Kernels;

/// <summary>
/// Softmax over the vocabulary fused with cross-entropy: per position the max-subtracted softmax,
/// loss = −log p[target], and (when asked) dlogits = (p − onehot(target))·scale.
/// </summary>
internal static class SoftmaxCrossEntropy
{
    /// <summary>
    /// Writes per-position losses; when <paramref name="dlogits"/> is given also writes the
    /// gradient of (scale · Σ losses) with respect to the logits (overwrites).
    /// </summary>
    public static void Run<T>(
        WorkSplitter work, T[] losses, T[] logits, int[] targets, int rows, int vocab, T[]? dlogits, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RangeJob<Job<T>>.Run(work, rows, 1, vocab * 4L, new Job<T>(losses, logits, targets, vocab, dlogits, scale));
    }

    private readonly struct Job<T>(T[] losses, T[] logits, int[] targets, int vocab, T[]? dlogits, T scale) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            for (var r = start; r < end; r++)
            {
                var z = logits.AsSpan(r * vocab, vocab);
                var max = T.NegativeInfinity;
                for (var i = 0; i < vocab; i++)
                {
                    max = T.Max(max, z[i]);
                }

                var sum = T.Zero;
                for (var i = 0; i < vocab; i++)
                {
                    sum += T.Exp(z[i] - max);
                }

                var target = targets[r];
                losses[r] = T.Log(sum) - (z[target] - max);
                if (dlogits is null)
                {
                    continue;
                }

                var dz = dlogits.AsSpan(r * vocab, vocab);
                var inverse = T.One / sum;
                for (var i = 0; i < vocab; i++)
                {
                    dz[i] = T.Exp(z[i] - max) * inverse * scale;
                }

                dz[target] -= scale;
            }
        }
    }
}
