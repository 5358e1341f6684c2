using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace L402Train.Model.Kernels;

/// <summary>
/// Causal multi-head self-attention over a packed qkv tensor (B, T, 3C): per (b, t, h) scores
/// against keys t2 ≤ t scaled by 1/√hs, max-subtracted softmax, weighted sum of values. The
/// softmax probabilities (B, NH, T, T) are kept for the backward pass.
/// </summary>
internal static class Attention
{
    public static void Forward<T>(
        WorkSplitter work, T[] output, int outputOffset, T[] att, int attOffset, T[] qkv, int qkvOffset,
        int batch, int seq, int channels, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = new ForwardJob<T>(output, outputOffset, att, attOffset, qkv, qkvOffset, seq, channels, heads);
        RangeJob<ForwardJob<T>>.Run(work, batch * heads * seq, 1, seq * (long)(channels / heads), job);
    }

    private readonly struct ForwardJob<T>(
        T[] output, int outputOffset, T[] att, int attOffset, T[] qkv, int qkvOffset, int seq, int channels, int heads) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            var hs = channels / heads;
            var c3 = 3 * channels;
            var scale = T.One / T.Sqrt(T.CreateChecked(hs));
            for (var item = start; item < end; item++)
            {
                var t = item % seq;
                var bh = item / seq;
                var h = bh % heads;
                var b = bh / heads;
                ref var q = ref At(qkv, qkvOffset + ((b * seq + t) * c3) + (h * hs));
                ref var row = ref At(att, attOffset + (((bh * seq) + t) * seq));
                var max = T.NegativeInfinity;
                for (var t2 = 0; t2 <= t; t2++)
                {
                    ref var key = ref At(qkv, qkvOffset + ((b * seq + t2) * c3) + channels + (h * hs));
                    var score = Simd.Dot(ref q, ref key, hs) * scale;
                    Unsafe.Add(ref row, t2) = score;
                    max = T.Max(max, score);
                }

                var sum = T.Zero;
                for (var t2 = 0; t2 <= t; t2++)
                {
                    var e = T.Exp(Unsafe.Add(ref row, t2) - max);
                    Unsafe.Add(ref row, t2) = e;
                    sum += e;
                }

                var inverse = T.One / sum;
                ref var y = ref At(output, outputOffset + ((b * seq + t) * channels) + (h * hs));
                for (var i = 0; i < hs; i++)
                {
                    Unsafe.Add(ref y, i) = T.Zero;
                }

                for (var t2 = 0; t2 < seq; t2++)
                {
                    if (t2 > t)
                    {
                        Unsafe.Add(ref row, t2) = T.Zero;
                        continue;
                    }

                    var p = Unsafe.Add(ref row, t2) * inverse;
                    Unsafe.Add(ref row, t2) = p;
                    ref var value = ref At(qkv, qkvOffset + ((b * seq + t2) * c3) + (2 * channels) + (h * hs));
                    Simd.AddScaled(ref y, ref value, p, hs);
                }
            }
        }
    }

    /// <summary>Accumulates dqkv (+=). Parallel over (b, h) so no two threads write the same dK/dV.</summary>
    public static void Backward<T>(
        WorkSplitter work, T[] dqkv, int dqkvOffset, T[] doutput, int doutputOffset, T[] qkv, int qkvOffset,
        T[] att, int attOffset, int batch, int seq, int channels, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = new BackwardJob<T>(dqkv, dqkvOffset, doutput, doutputOffset, qkv, qkvOffset, att, attOffset, seq, channels, heads);
        RangeJob<BackwardJob<T>>.Run(work, batch * heads, 1, seq * (long)seq * (channels / heads), job);
    }

    private readonly struct BackwardJob<T>(
        T[] dqkv, int dqkvOffset, T[] doutput, int doutputOffset, T[] qkv, int qkvOffset, T[] att, int attOffset,
        int seq, int channels, int heads) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            var hs = channels / heads;
            var c3 = 3 * channels;
            var scale = T.One / T.Sqrt(T.CreateChecked(hs));
            Span<T> datt = seq <= 1024 ? stackalloc T[seq] : new T[seq];
            for (var bh = start; bh < end; bh++)
            {
                var h = bh % heads;
                var b = bh / heads;
                for (var t = 0; t < seq; t++)
                {
                    ref var row = ref At(att, attOffset + (((bh * seq) + t) * seq));
                    ref var dy = ref At(doutput, doutputOffset + ((b * seq + t) * channels) + (h * hs));
                    // datt = dy·v; dv += att·dy; then the softmax backward dpre = att ⊙ (datt − ⟨att, datt⟩).
                    var weighted = T.Zero;
                    for (var t2 = 0; t2 <= t; t2++)
                    {
                        var valueIndex = ((b * seq + t2) * c3) + (2 * channels) + (h * hs);
                        var d = Simd.Dot(ref dy, ref At(qkv, qkvOffset + valueIndex), hs);
                        datt[t2] = d;
                        var p = Unsafe.Add(ref row, t2);
                        weighted = T.FusedMultiplyAdd(p, d, weighted);
                        Simd.AddScaled(ref At(dqkv, dqkvOffset + valueIndex), ref dy, p, hs);
                    }

                    var qIndex = ((b * seq + t) * c3) + (h * hs);
                    for (var t2 = 0; t2 <= t; t2++)
                    {
                        var dpre = Unsafe.Add(ref row, t2) * (datt[t2] - weighted) * scale;
                        var keyIndex = ((b * seq + t2) * c3) + channels + (h * hs);
                        Simd.AddScaled(ref At(dqkv, dqkvOffset + qIndex), ref At(qkv, qkvOffset + keyIndex), dpre, hs);
                        Simd.AddScaled(ref At(dqkv, dqkvOffset + keyIndex), ref At(qkv, qkvOffset + qIndex), dpre, hs);
                    }
                }
            }
        }
    }

    private static ref T At<T>(T[] array, int index) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), index);
}
