using L402Train.Model.Kernels;
using L402Train.Model.Randomness;

namespace L402Train.Model.Tests.Kernels;

public sealed class MatMulTests
{
    private static float[] Random(int length, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)random.NextGaussian())];
    }

    [Theory]
    [InlineData(7, 45, 300, 1)] // two K-block boundaries, a 4-row tile plus single rows, a 32-column strip plus vector and scalar edges
    [InlineData(9, 70, 129, 2)] // a block boundary one past 128, two threads
    [InlineData(4, 32, 0, 1)]   // empty sum: only the start value
    public void Every_element_is_the_start_plus_fused_multiply_adds_in_k_order_bit_for_bit(int m, int n, int k, int threads)
    {
        var a = Random(m * k, 1);
        var aTransposed = new float[k * m];
        for (var i = 0; i < m; i++)
            for (var kk = 0; kk < k; kk++) aTransposed[(kk * m) + i] = a[(i * k) + kk];
        var b = Random(k * n, 2);
        var bias = Random(n, 3);
        var initial = Random(m * n, 4);
        var work = new WorkSplitter(threads);

        foreach (var start in new[] { GemmStart.Zero, GemmStart.Bias, GemmStart.Accumulate })
        {
            var rowMajor = (float[])initial.Clone();
            MatMul.Gemm(work, rowMajor, 0, n, MatrixView<float>.RowMajor(a, 0, k), b, 0, n, m, n, k, start, bias, 0);
            var transposed = (float[])initial.Clone();
            MatMul.Gemm(work, transposed, 0, n, MatrixView<float>.Transposed(aTransposed, 0, m), b, 0, n, m, n, k, start, bias, 0);
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var expected = start switch { GemmStart.Zero => 0f, GemmStart.Bias => bias[j], _ => initial[(i * n) + j] };
                    for (var kk = 0; kk < k; kk++) expected = MathF.FusedMultiplyAdd(a[(i * k) + kk], b[(kk * n) + j], expected);
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(rowMajor[(i * n) + j]));
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(transposed[(i * n) + j]));
                }
            }
        }
    }
}
