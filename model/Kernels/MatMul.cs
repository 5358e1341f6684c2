using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace L402Train.Model.Kernels;

/// <summary>How a matrix product starts each output element.</summary>
internal enum GemmStart
{
    /// <summary>From zero: C = A·B.</summary>
    Zero,

    /// <summary>From the current value: C += A·B.</summary>
    Accumulate,

    /// <summary>From a bias row: C = bias + A·B.</summary>
    Bias,
}

/// <summary>A matrix operand: an array, an offset and element strides (row, column).</summary>
internal readonly record struct MatrixView<T>(T[] Data, int Offset, int RowStride, int ColStride)
{
    public static MatrixView<T> RowMajor(T[] data, int offset, int columns) => new(data, offset, columns, 1);

    public static MatrixView<T> Transposed(T[] data, int offset, int columns) => new(data, offset, 1, columns);
}

/// <summary>
/// C[m, n] = start + Σₖ A[m, k]·B[k, n] with B row-major. The register tile is 4 rows × 4 vectors:
/// each B load is reused by 4 rows and each broadcast A element by 4 vectors. Every element sums
/// k = 0..K−1 in order with fused multiply-adds on every path (tile, edge, scalar), so the value
/// of an element does not depend on which tile or thread computed it.
/// </summary>
internal static class MatMul
{
    /// <summary>Depth of a K block: 128 rows of B, at most 128 × 1,024 floats (512 KB), fit in a core's L2 with A and C.</summary>
    private const int KBlock = 128;

    public static void Gemm<T>(
        WorkSplitter work, T[] c, int cOffset, int ldc, MatrixView<T> a, T[] b, int bOffset, int ldb,
        int m, int n, int k, GemmStart start, T[]? bias = null, int biasOffset = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckExtent(c.Length, cOffset, (long)(m - 1) * ldc + n);
        CheckExtent(b.Length, bOffset, (long)(k - 1) * ldb + n);
        CheckExtent(a.Data.Length, a.Offset, (long)(m - 1) * a.RowStride + (long)(k - 1) * a.ColStride + 1);
        if (start == GemmStart.Bias)
        {
            ArgumentNullException.ThrowIfNull(bias);
            CheckExtent(bias.Length, biasOffset, n);
        }

        var job = new Job<T>(c, cOffset, ldc, a, b, bOffset, ldb, n, k, start, bias ?? c, biasOffset);
        RangeJob<Job<T>>.Run(work, m, 4, (long)n * k, job);
    }

    /// <summary>dbias[j] += Σᵣ dout[r, j], parallel over columns, rows summed in order.</summary>
    public static void ColumnSums<T>(WorkSplitter work, T[] dbias, int dbiasOffset, T[] dout, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RangeJob<ColumnSumJob<T>>.Run(work, columns, Vector256<T>.Count, rows, new ColumnSumJob<T>(dbias, dbiasOffset, dout, rows, columns));
    }

    /// <summary>dst[c, r] = src[r, c] for a rows × columns block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose<T>(T[] dst, T[] src, int srcOffset, int rows, int columns)
    {
        const int block = 16;
        for (var r0 = 0; r0 < rows; r0 += block)
        {
            for (var c0 = 0; c0 < columns; c0 += block)
            {
                var rEnd = Math.Min(rows, r0 + block);
                var cEnd = Math.Min(columns, c0 + block);
                for (var r = r0; r < rEnd; r++)
                {
                    for (var c = c0; c < cEnd; c++)
                    {
                        dst[(c * rows) + r] = src[srcOffset + (r * columns) + c];
                    }
                }
            }
        }
    }

    private readonly struct ColumnSumJob<T>(T[] dbias, int dbiasOffset, T[] dout, int rows, int columns) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            var sums = dbias.AsSpan(dbiasOffset + start, end - start);
            for (var r = 0; r < rows; r++)
            {
                var row = dout.AsSpan((r * columns) + start, end - start);
                for (var j = 0; j < sums.Length; j++)
                {
                    sums[j] += row[j];
                }
            }
        }
    }

    private static void CheckExtent(int length, int offset, long extent)
    {
        if (offset < 0 || offset + extent > length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "Matrix view runs past its array.");
        }
    }

    private readonly struct Job<T>(
        T[] c, int cOffset, int ldc, MatrixView<T> a, T[] b, int bOffset, int ldb, int n, int k,
        GemmStart start, T[] bias, int biasOffset) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int rowStart, int rowEnd)
        {
            // K in blocks of KBlock: a block of B (KBlock × n) stays in L2 while every row tile of
            // the range reads it, instead of all of B streaming from L3 once per row tile. Later
            // blocks continue from the partial sums stored in C, so each element still sums
            // k = 0..K−1 in order with the same fused multiply-adds: results are unchanged.
            for (var k0 = 0; k0 < k || k0 == 0; k0 += KBlock)
            {
                var k1 = Math.Min(k, k0 + KBlock);
                var first = k0 == 0;
                var row = rowStart;
                for (; row + 4 <= rowEnd; row += 4)
                {
                    Tile4(row, k0, k1, first);
                }

                for (; row < rowEnd; row++)
                {
                    Tile1(row, k0, k1, first);
                }

                if (k1 >= k)
                {
                    break;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<T> Begin(int row, int col, bool first)
        {
            if (!first)
            {
                return Vector256.LoadUnsafe(ref At(c, cOffset + row * ldc + col));
            }

            return start switch
            {
                GemmStart.Zero => Vector256<T>.Zero,
                GemmStart.Bias => Vector256.LoadUnsafe(ref At(bias, biasOffset + col)),
                _ => Vector256.LoadUnsafe(ref At(c, cOffset + row * ldc + col)),
            };
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private T BeginScalar(int row, int col, bool first)
        {
            if (!first)
            {
                return c[cOffset + row * ldc + col];
            }

            return start switch
            {
                GemmStart.Zero => T.Zero,
                GemmStart.Bias => bias[biasOffset + col],
                _ => c[cOffset + row * ldc + col],
            };
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ref T At(T[] array, int index) =>
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), index);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tile4(int row, int k0, int k1, bool first)
        {
            var w = Vector256<T>.Count;
            var rs = a.RowStride;
            var cs = a.ColStride;
            ref var a0 = ref At(a.Data, a.Offset + row * rs);
            ref var bBase = ref At(b, bOffset);
            var col = 0;
            for (; col + 4 * w <= n; col += 4 * w)
            {
                Vector256<T> c00 = Begin(row, col, first), c01 = Begin(row, col + w, first), c02 = Begin(row, col + 2 * w, first), c03 = Begin(row, col + 3 * w, first);
                Vector256<T> c10 = Begin(row + 1, col, first), c11 = Begin(row + 1, col + w, first), c12 = Begin(row + 1, col + 2 * w, first), c13 = Begin(row + 1, col + 3 * w, first);
                Vector256<T> c20 = Begin(row + 2, col, first), c21 = Begin(row + 2, col + w, first), c22 = Begin(row + 2, col + 2 * w, first), c23 = Begin(row + 2, col + 3 * w, first);
                Vector256<T> c30 = Begin(row + 3, col, first), c31 = Begin(row + 3, col + w, first), c32 = Begin(row + 3, col + 2 * w, first), c33 = Begin(row + 3, col + 3 * w, first);
                for (var kk = k0; kk < k1; kk++)
                {
                    ref var bRow = ref Unsafe.Add(ref bBase, kk * ldb + col);
                    var b0 = Vector256.LoadUnsafe(ref bRow);
                    var b1 = Vector256.LoadUnsafe(ref bRow, (nuint)w);
                    var b2 = Vector256.LoadUnsafe(ref bRow, (nuint)(2 * w));
                    var b3 = Vector256.LoadUnsafe(ref bRow, (nuint)(3 * w));
                    ref var ak = ref Unsafe.Add(ref a0, kk * cs);
                    var x = Vector256.Create(ak);
                    c00 = Simd.Fma(x, b0, c00); c01 = Simd.Fma(x, b1, c01); c02 = Simd.Fma(x, b2, c02); c03 = Simd.Fma(x, b3, c03);
                    x = Vector256.Create(Unsafe.Add(ref ak, rs));
                    c10 = Simd.Fma(x, b0, c10); c11 = Simd.Fma(x, b1, c11); c12 = Simd.Fma(x, b2, c12); c13 = Simd.Fma(x, b3, c13);
                    x = Vector256.Create(Unsafe.Add(ref ak, 2 * rs));
                    c20 = Simd.Fma(x, b0, c20); c21 = Simd.Fma(x, b1, c21); c22 = Simd.Fma(x, b2, c22); c23 = Simd.Fma(x, b3, c23);
                    x = Vector256.Create(Unsafe.Add(ref ak, 3 * rs));
                    c30 = Simd.Fma(x, b0, c30); c31 = Simd.Fma(x, b1, c31); c32 = Simd.Fma(x, b2, c32); c33 = Simd.Fma(x, b3, c33);
                }

                Store(row, col, c00, c01, c02, c03);
                Store(row + 1, col, c10, c11, c12, c13);
                Store(row + 2, col, c20, c21, c22, c23);
                Store(row + 3, col, c30, c31, c32, c33);
            }

            for (var r = row; r < row + 4; r++)
            {
                Edge(r, col, k0, k1, first);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tile1(int row, int k0, int k1, bool first)
        {
            var w = Vector256<T>.Count;
            var cs = a.ColStride;
            ref var a0 = ref At(a.Data, a.Offset + row * a.RowStride);
            ref var bBase = ref At(b, bOffset);
            var col = 0;
            for (; col + 4 * w <= n; col += 4 * w)
            {
                Vector256<T> c00 = Begin(row, col, first), c01 = Begin(row, col + w, first), c02 = Begin(row, col + 2 * w, first), c03 = Begin(row, col + 3 * w, first);
                for (var kk = k0; kk < k1; kk++)
                {
                    ref var bRow = ref Unsafe.Add(ref bBase, kk * ldb + col);
                    var x = Vector256.Create(Unsafe.Add(ref a0, kk * cs));
                    c00 = Simd.Fma(x, Vector256.LoadUnsafe(ref bRow), c00);
                    c01 = Simd.Fma(x, Vector256.LoadUnsafe(ref bRow, (nuint)w), c01);
                    c02 = Simd.Fma(x, Vector256.LoadUnsafe(ref bRow, (nuint)(2 * w)), c02);
                    c03 = Simd.Fma(x, Vector256.LoadUnsafe(ref bRow, (nuint)(3 * w)), c03);
                }

                Store(row, col, c00, c01, c02, c03);
            }

            Edge(row, col, k0, k1, first);
        }

        /// <summary>Columns right of the last full 4-vector strip: one vector at a time, then scalars.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Edge(int row, int col, int k0, int k1, bool first)
        {
            var w = Vector256<T>.Count;
            var cs = a.ColStride;
            ref var a0 = ref At(a.Data, a.Offset + row * a.RowStride);
            ref var bBase = ref At(b, bOffset);
            for (; col + w <= n; col += w)
            {
                var acc = Begin(row, col, first);
                for (var kk = k0; kk < k1; kk++)
                {
                    acc = Simd.Fma(Vector256.Create(Unsafe.Add(ref a0, kk * cs)), Vector256.LoadUnsafe(ref Unsafe.Add(ref bBase, kk * ldb + col)), acc);
                }

                acc.StoreUnsafe(ref At(c, cOffset + row * ldc + col));
            }

            for (; col < n; col++)
            {
                var acc = BeginScalar(row, col, first);
                for (var kk = k0; kk < k1; kk++)
                {
                    acc = T.FusedMultiplyAdd(Unsafe.Add(ref a0, kk * cs), Unsafe.Add(ref bBase, kk * ldb + col), acc);
                }

                c[cOffset + row * ldc + col] = acc;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(int row, int col, Vector256<T> v0, Vector256<T> v1, Vector256<T> v2, Vector256<T> v3)
        {
            var w = Vector256<T>.Count;
            ref var dst = ref At(c, cOffset + row * ldc + col);
            v0.StoreUnsafe(ref dst);
            v1.StoreUnsafe(ref dst, (nuint)w);
            v2.StoreUnsafe(ref dst, (nuint)(2 * w));
            v3.StoreUnsafe(ref dst, (nuint)(3 * w));
        }
    }
}
