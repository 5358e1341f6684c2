using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace L402Train.Model.Kernels;

/// <summary>
/// y[o] = start + Σᵢ W[o, i]·x[i] for one position, W [out, in] row-major as stored: the decode
/// step of a KV-cached generation, where a matrix product would have one row. Four weight rows
/// share each load of x; rows are split between threads, so a result never depends on the split.
/// </summary>
internal static class MatVec
{
    public static void Run(WorkSplitter work, float[] y, float[] w, int wOffset, float[] x, int outDim, int inDim, float[]? bias, int biasOffset, bool accumulate)
    {
        if (inDim % Vector256<float>.Count != 0)
        {
            throw new ArgumentException($"MatVec needs the input width ({inDim}) to be a multiple of {Vector256<float>.Count}.", nameof(inDim));
        }

        RangeJob<Job>.Run(work, outDim, 4, inDim, new Job(y, w, wOffset, x, inDim, bias, biasOffset, accumulate));
    }

    private readonly struct Job(float[] y, float[] w, int wOffset, float[] x, int inDim, float[]? bias, int biasOffset, bool accumulate) : IRangeJob
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            ref var xs = ref MemoryMarshal.GetArrayDataReference(x);
            ref var ws = ref MemoryMarshal.GetArrayDataReference(w);
            var width = Vector256<float>.Count;
            var o = start;
            for (; o + 4 <= end; o += 4)
            {
                ref var w0 = ref Unsafe.Add(ref ws, wOffset + (o * inDim));
                ref var w1 = ref Unsafe.Add(ref w0, inDim);
                ref var w2 = ref Unsafe.Add(ref w1, inDim);
                ref var w3 = ref Unsafe.Add(ref w2, inDim);
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (var i = 0; i < inDim; i += width)
                {
                    var xv = Vector256.LoadUnsafe(ref xs, (nuint)i);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)i), xv, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w1, (nuint)i), xv, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w2, (nuint)i), xv, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w3, (nuint)i), xv, a3);
                }

                Store(o, Simd.Sum(a0));
                Store(o + 1, Simd.Sum(a1));
                Store(o + 2, Simd.Sum(a2));
                Store(o + 3, Simd.Sum(a3));
            }

            for (; o < end; o++)
            {
                Store(o, Simd.Dot(ref Unsafe.Add(ref ws, wOffset + (o * inDim)), ref xs, inDim));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(int o, float dot)
        {
            var begin = accumulate ? y[o] : bias is null ? 0f : bias[biasOffset + o];
            y[o] = begin + dot;
        }
    }
}
