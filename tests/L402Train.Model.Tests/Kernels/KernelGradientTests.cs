using L402Train.Model.Kernels;
using static L402Train.Model.Tests.Kernels.FiniteDifference;

namespace L402Train.Model.Tests.Kernels;

public sealed class KernelGradientTests
{
    private static readonly WorkSplitter Work = new(1);

    [Fact]
    public void Layernorm_backward_matches_finite_differences()
    {
        const int rows = 5, channels = 19;
        var x = Random(rows * channels, 1, 2.0);
        var w = Random(channels, 2);
        var b = Random(channels, 3);
        var r = Random(rows * channels, 4);
        var y = new double[rows * channels];
        var mean = new double[rows];
        var rstd = new double[rows];
        double Loss()
        {
            LayerNorm.Forward(Work, y, 0, mean, 0, rstd, 0, x, 0, w, 0, b, 0, rows, channels);
            return Project(y, r);
        }

        Loss();
        var dx = new double[x.Length];
        var dw = new double[channels];
        var db = new double[channels];
        LayerNorm.Backward(Work, dx, 0, dw, 0, db, 0, r, 0, x, 0, w, 0, mean, 0, rstd, 0, rows, channels);
        AssertClose(dx, Gradient(x, Loss), "dx");
        AssertClose(dw, Gradient(w, Loss), "dweight");
        AssertClose(db, Gradient(b, Loss), "dbias");
    }

    [Theory]
    [InlineData(7, 37, 5)]
    [InlineData(8, 64, 16)]
    [InlineData(1, 3, 2)]
    public void Linear_layer_backward_matches_finite_differences(int rows, int outDim, int inDim)
    {
        // The engine's linear layer: y = x·Wᵀ + b via a transposed W, and its three backward products.
        var x = Random(rows * inDim, 5);
        var weight = Random(outDim * inDim, 6);
        var bias = Random(outDim, 7);
        var r = Random(rows * outDim, 8);
        var y = new double[rows * outDim];
        var transposed = new double[outDim * inDim];
        double Loss()
        {
            MatMul.Transpose(transposed, weight, 0, outDim, inDim);
            MatMul.Gemm(Work, y, 0, outDim, MatrixView<double>.RowMajor(x, 0, inDim), transposed, 0, outDim, rows, outDim, inDim, GemmStart.Bias, bias, 0);
            return Project(y, r);
        }

        Loss();
        for (var i = 0; i < rows; i++)
        {
            for (var o = 0; o < outDim; o++)
            {
                var expected = bias[o];
                for (var k = 0; k < inDim; k++)
                {
                    expected += x[(i * inDim) + k] * weight[(o * inDim) + k];
                }

                Assert.Equal(expected, y[(i * outDim) + o], 1e-12);
            }
        }

        var dx = new double[x.Length];
        var dw = new double[weight.Length];
        var db = new double[outDim];
        MatMul.Gemm(Work, dx, 0, inDim, MatrixView<double>.RowMajor(r, 0, outDim), weight, 0, inDim, rows, inDim, outDim, GemmStart.Zero);
        MatMul.Gemm(Work, dw, 0, inDim, MatrixView<double>.Transposed(r, 0, outDim), x, 0, inDim, outDim, inDim, rows, GemmStart.Accumulate);
        MatMul.ColumnSums(Work, db, 0, r, rows, outDim);
        AssertClose(dx, Gradient(x, Loss), "dx");
        AssertClose(dw, Gradient(weight, Loss), "dweight");
        AssertClose(db, Gradient(bias, Loss), "dbias");
    }

    [Fact]
    public void Attention_backward_matches_finite_differences()
    {
        const int batch = 2, seq = 5, channels = 12, heads = 2;
        var qkv = Random(batch * seq * 3 * channels, 9);
        var r = Random(batch * seq * channels, 10);
        var y = new double[batch * seq * channels];
        var att = new double[batch * heads * seq * seq];
        double Loss()
        {
            Attention.Forward(Work, y, 0, att, 0, qkv, 0, batch, seq, channels, heads);
            return Project(y, r);
        }

        Loss();
        var dqkv = new double[qkv.Length];
        Attention.Backward(Work, dqkv, 0, r, 0, qkv, 0, att, 0, batch, seq, channels, heads);
        AssertClose(dqkv, Gradient(qkv, Loss), "dqkv");
    }

    [Fact]
    public void Attention_is_causal()
    {
        const int batch = 1, seq = 4, channels = 8, heads = 2;
        var qkv = Random(batch * seq * 3 * channels, 11);
        var y = new double[seq * channels];
        var att = new double[heads * seq * seq];
        Attention.Forward(Work, y, 0, att, 0, qkv, 0, batch, seq, channels, heads);
        var before = y[..channels];
        // Changing the last position's key and value must not change the first output.
        for (var i = channels; i < 3 * channels; i++)
        {
            qkv[((seq - 1) * 3 * channels) + i] += 5.0;
        }

        Attention.Forward(Work, y, 0, att, 0, qkv, 0, batch, seq, channels, heads);
        Assert.Equal(before, y[..channels]);
    }

    [Fact]
    public void Gelu_backward_matches_finite_differences()
    {
        const int rows = 3, width = 21;
        var x = Random(rows * width, 12, 2.0);
        var r = Random(rows * width, 13);
        var y = new double[x.Length];
        var tanh = new double[x.Length];
        double Loss()
        {
            Gelu.Forward(Work, y, tanh, x, 0, x.Length, width);
            return Project(y, r);
        }

        Loss();
        Assert.Equal(0.5 * x[0] * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x[0] + (0.044715 * x[0] * x[0] * x[0])))), y[0], 1e-12);
        var dx = new double[x.Length];
        Gelu.Backward(Work, dx, r, 0, x, tanh, 0, x.Length, width);
        AssertClose(dx, Gradient(x, Loss), "dx");
    }

    [Fact]
    public void Softmax_cross_entropy_backward_matches_finite_differences()
    {
        const int rows = 4, vocab = 11;
        var logits = Random(rows * vocab, 14, 3.0);
        int[] targets = [0, 5, 10, 3];
        var losses = new double[rows];
        const double scale = 1.0 / rows;
        double Loss()
        {
            SoftmaxCrossEntropy.Run(Work, losses, logits, targets, rows, vocab, null, scale);
            return losses.Sum() * scale;
        }

        var dlogits = new double[logits.Length];
        SoftmaxCrossEntropy.Run(Work, losses, logits, targets, rows, vocab, dlogits, scale);
        AssertClose(dlogits, Gradient(logits, Loss), "dlogits");
    }
}
