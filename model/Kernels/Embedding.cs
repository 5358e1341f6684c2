using System.Numerics;
using System.Runtime.CompilerServices;

namespace L402Train.Model.Kernels;

/// <summary>Token plus position embedding: out[b, t, :] = wte[token] + wpe[t].</summary>
internal static class Embedding
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T>(
        T[] output, int[] tokens, T[] wte, int wteOffset, T[] wpe, int wpeOffset, int batch, int seq, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var bt = 0; bt < batch * seq; bt++)
        {
            var t = bt % seq;
            var y = output.AsSpan(bt * channels, channels);
            var tok = wte.AsSpan(wteOffset + (tokens[bt] * channels), channels);
            var pos = wpe.AsSpan(wpeOffset + (t * channels), channels);
            for (var i = 0; i < channels; i++)
            {
                y[i] = tok[i] + pos[i];
            }
        }
    }

    /// <summary>Accumulates into dwte and dwpe; one thread, in (b, t) order, so repeated tokens sum deterministically.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<T>(
        T[] dwte, int dwteOffset, T[] dwpe, int dwpeOffset, T[] doutput, int[] tokens, int batch, int seq, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var bt = 0; bt < batch * seq; bt++)
        {
            var t = bt % seq;
            var dy = doutput.AsSpan(bt * channels, channels);
            var dtok = dwte.AsSpan(dwteOffset + (tokens[bt] * channels), channels);
            var dpos = dwpe.AsSpan(dwpeOffset + (t * channels), channels);
            for (var i = 0; i < channels; i++)
            {
                dtok[i] += dy[i];
                dpos[i] += dy[i];
            }
        }
    }
}
