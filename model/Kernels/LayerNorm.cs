using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace L402Train.Model.Kernels;

/// <summary>
/// LayerNorm over the last dimension (eps 1e-5, biased variance), caching mean and 1/std per row
/// for the backward pass (llm.c layout).
/// </summary>
internal static class LayerNorm
{
    public const double Epsilon = 1e-5;

    public static void Forward<T>(
        WorkSplitter work, T[] output, int outputOffset, T[] mean, int meanOffset, T[] rstd, int rstdOffset,
        T[] input, int inputOffset, T[] weight, int weightOffset, T[] bias, int biasOffset, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = new ForwardJob<T>(output, outputOffset, mean, meanOffset, rstd, rstdOffset, input, inputOffset, weight, weightOffset, bias, biasOffset, channels);
        RangeJob<ForwardJob<T>>.Run(work, rows, 1, channels * 4L, job);
    }

    /// <summary>Accumulates dinput, dweight and dbias (+=).</summary>
    public static void Backward<T>(
        WorkSplitter work, T[] dinput, int dinputOffset, T[] dweight, int dweightOffset, T[] dbias, int dbiasOffset,
        T[] doutput, int doutputOffset, T[] input, int inputOffset, T[] weight, int weightOffset,
        T[] mean, int meanOffset, T[] rstd, int rstdOffset, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var inputJob = new InputGradientJob<T>(dinput, dinputOffset, doutput, doutputOffset, input, inputOffset, weight, weightOffset, mean, meanOffset, rstd, rstdOffset, channels);
        RangeJob<InputGradientJob<T>>.Run(work, rows, 1, channels * 6L, inputJob);

        // Parameter gradients reduce over rows: split by channel so each sum keeps its row order.
        var parameterJob = new ParameterGradientJob<T>(dweight, dweightOffset, dbias, dbiasOffset, doutput, doutputOffset, input, inputOffset, mean, meanOffset, rstd, rstdOffset, rows, channels);
        RangeJob<ParameterGradientJob<T>>.Run(work, channels, 8, rows * 4L, parameterJob);
    }

    private static ref T At<T>(T[] array, int index) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), index);

    private readonly struct ForwardJob<T>(
        T[] output, int outputOffset, T[] mean, int meanOffset, T[] rstd, int rstdOffset,
        T[] input, int inputOffset, T[] weight, int weightOffset, T[] bias, int biasOffset, int channels) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            var eps = T.CreateChecked(Epsilon);
            var n = T.CreateChecked(channels);
            for (var r = start; r < end; r++)
            {
                var x = input.AsSpan(inputOffset + (r * channels), channels);
                var m = Simd.Sum(ref MemoryMarshal.GetReference(x), channels) / n;
                var variance = T.Zero;
                for (var i = 0; i < channels; i++)
                {
                    var d = x[i] - m;
                    variance = T.FusedMultiplyAdd(d, d, variance);
                }

                var s = T.One / T.Sqrt((variance / n) + eps);
                var y = output.AsSpan(outputOffset + (r * channels), channels);
                var w = weight.AsSpan(weightOffset, channels);
                var b = bias.AsSpan(biasOffset, channels);
                for (var i = 0; i < channels; i++)
                {
                    y[i] = T.FusedMultiplyAdd((x[i] - m) * s, w[i], b[i]);
                }

                mean[meanOffset + r] = m;
                rstd[rstdOffset + r] = s;
            }
        }
    }

    private readonly struct InputGradientJob<T>(
        T[] dinput, int dinputOffset, T[] doutput, int doutputOffset, T[] input, int inputOffset, T[] weight, int weightOffset,
        T[] mean, int meanOffset, T[] rstd, int rstdOffset, int channels) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            var n = T.CreateChecked(channels);
            for (var r = start; r < end; r++)
            {
                var x = input.AsSpan(inputOffset + (r * channels), channels);
                var dy = doutput.AsSpan(doutputOffset + (r * channels), channels);
                var w = weight.AsSpan(weightOffset, channels);
                var m = mean[meanOffset + r];
                var s = rstd[rstdOffset + r];
                var meanDnorm = T.Zero;
                var meanDnormNorm = T.Zero;
                for (var i = 0; i < channels; i++)
                {
                    var norm = (x[i] - m) * s;
                    var dnorm = w[i] * dy[i];
                    meanDnorm += dnorm;
                    meanDnormNorm = T.FusedMultiplyAdd(dnorm, norm, meanDnormNorm);
                }

                meanDnorm /= n;
                meanDnormNorm /= n;
                var dx = dinput.AsSpan(dinputOffset + (r * channels), channels);
                for (var i = 0; i < channels; i++)
                {
                    var norm = (x[i] - m) * s;
                    var dnorm = w[i] * dy[i];
                    dx[i] += s * (dnorm - meanDnorm - (norm * meanDnormNorm));
                }
            }
        }
    }

    private readonly struct ParameterGradientJob<T>(
        T[] dweight, int dweightOffset, T[] dbias, int dbiasOffset, T[] doutput, int doutputOffset, T[] input, int inputOffset,
        T[] mean, int meanOffset, T[] rstd, int rstdOffset, int rows, int channels) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            for (var r = 0; r < rows; r++)
            {
                var m = mean[meanOffset + r];
                var s = rstd[rstdOffset + r];
                ref var x = ref At(input, inputOffset + (r * channels));
                ref var dy = ref At(doutput, doutputOffset + (r * channels));
                for (var i = start; i < end; i++)
                {
                    var g = Unsafe.Add(ref dy, i);
                    dbias[dbiasOffset + i] += g;
                    dweight[dweightOffset + i] = T.FusedMultiplyAdd((Unsafe.Add(ref x, i) - m) * s, g, dweight[dweightOffset + i]);
                }
            }
        }
    }
}
