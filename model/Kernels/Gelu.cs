using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace L402Train.Model.Kernels;

/// <summary>
/// GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))). The forward pass keeps the
/// tanh values so the backward pass does not evaluate tanh again.
/// </summary>
internal static class Gelu
{
    private static readonly double ScalingFactor = Math.Sqrt(2.0 / Math.PI);

    public static void Forward<T>(WorkSplitter work, T[] output, T[] tanhCache, T[] input, int offset, int count, int rowLength)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Ranges are whole rows (≥ 64 elements) so TensorPrimitives always takes its vector path.
        RangeJob<ForwardJob<T>>.Run(work, count / rowLength, 1, rowLength * 8L, new ForwardJob<T>(output, tanhCache, input, offset, rowLength));
    }

    /// <summary>dinput = doutput · gelu'(input) (overwrites); input and its tanh cache share one offset.</summary>
    public static void Backward<T>(
        WorkSplitter work, T[] dinput, T[] doutput, int gradientOffset, T[] input, T[] tanhCache, int inputOffset, int count, int rowLength)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = new BackwardJob<T>(dinput, doutput, gradientOffset, input, tanhCache, inputOffset, rowLength);
        RangeJob<BackwardJob<T>>.Run(work, count / rowLength, 1, rowLength * 8L, job);
    }

    private readonly struct ForwardJob<T>(T[] output, T[] tanhCache, T[] input, int offset, int rowLength) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int startRow, int endRow)
        {
            var k = T.CreateChecked(ScalingFactor);
            var c = T.CreateChecked(0.044715);
            var half = T.CreateChecked(0.5);
            var start = offset + (startRow * rowLength);
            var length = (endRow - startRow) * rowLength;
            var x = input.AsSpan(start, length);
            var t = tanhCache.AsSpan(start, length);
            for (var i = 0; i < length; i++)
            {
                var xi = x[i];
                t[i] = k * T.FusedMultiplyAdd(c * xi * xi, xi, xi);
            }

            TensorPrimitives.Tanh(t, t);
            var y = output.AsSpan(start, length);
            for (var i = 0; i < length; i++)
            {
                y[i] = half * x[i] * (T.One + t[i]);
            }
        }
    }

    private readonly struct BackwardJob<T>(T[] dinput, T[] doutput, int gradientOffset, T[] input, T[] tanhCache, int inputOffset, int rowLength) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int startRow, int endRow)
        {
            var k = T.CreateChecked(ScalingFactor);
            var c3 = T.CreateChecked(3 * 0.044715);
            var half = T.CreateChecked(0.5);
            for (var i = startRow * rowLength; i < endRow * rowLength; i++)
            {
                var x = input[inputOffset + i];
                var t = tanhCache[inputOffset + i];
                var sech2 = T.One - (t * t);
                var du = k * T.FusedMultiplyAdd(c3 * x, x, T.One);
                var grad = (half * (T.One + t)) + (half * x * sech2 * du);
                dinput[gradientOffset + i] = grad * doutput[gradientOffset + i];
            }
        }
    }
}
