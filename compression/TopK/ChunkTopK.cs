using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace L402Train.Compression;

/// <summary>
/// Exact top-k by magnitude within one chunk, ties broken by the lower slot (torch leaves ties
/// unspecified; a deterministic rule lets peers and tests agree). Selected slots come out ascending.
/// </summary>
/// <remarks>
/// Sorting 4,096 elements per chunk would dominate compression time. Instead the selector works on
/// the IEEE bit pattern of |x|, which orders like the magnitude: it gathers every slot whose key is
/// at least a guessed threshold (SIMD compare and compress, no per-element branch), and then finds
/// the exact k-th key among those few candidates by bisection with SIMD counts. The guess is the
/// chunk's RMS times the ratio k-th magnitude / RMS of the previous chunk, slightly lowered, so it
/// usually yields between k and 2k candidates at once; when it yields fewer than k, a galloping
/// search over counts of the whole chunk finds a threshold that does. NaN and ±∞ have the largest
/// patterns, so a non-finite value is always selected and the quantizer reports it.
/// Not thread-safe: one instance per thread.
/// </remarks>
internal sealed class ChunkTopK
{
    private const int MaxChunk = 4096;
    private const uint FirstStep = 1u << 20;
    private const uint NoUpperBound = 0x8000_0000u;
    private const uint Magnitude = 0x7FFF_FFFFu;

    // Candidate slots and keys; 16 spare entries let vector stores run past the count.
    private readonly int[] _slots = new int[MaxChunk + 16];
    private readonly int[] _keys = new int[MaxChunk + 16];
    private readonly ushort[] _output = new ushort[MaxChunk + 1];
    private uint _threshold = 0x3A80_0000u; // ~1e-3: any start works, the search gallops from it
    private float _thresholdOverRms;

    /// <summary>Writes the k slots of largest |values[slot]| to <paramref name="selected"/>, ascending.</summary>
    /// <param name="values">The chunk, in chunk-local order.</param>
    /// <param name="k">How many to keep (1 ≤ k).</param>
    /// <param name="selected">Receives k slots.</param>
    /// <param name="rms">Root mean square of the chunk when the caller has it (0 if not).</param>
    public void Select(ReadOnlySpan<float> values, int k, Span<ushort> selected, float rms = 0f)
    {
        var length = values.Length;
        if (k >= length)
        {
            for (var i = 0; i < length; i++)
            {
                selected[i] = (ushort)i;
            }

            return;
        }

        var hinted = rms > 0f && float.IsFinite(rms) && _thresholdOverRms > 0f;
        if (hinted)
        {
            _threshold = Math.Clamp(BitConverter.SingleToUInt32Bits(rms * _thresholdOverRms), 1u, 0x7F7F_FFFFu);
        }

        var low = _threshold;
        var count = Gather(values, low);
        if (count < k)
        {
            low = Bracket(values, k);
            count = Gather(values, low);
        }

        // Largest t with count(key ≥ t) ≥ k among the candidates: everything above t is in, and
        // of the keys equal to t the lowest slots fill the rest.
        var keys = _keys.AsSpan(0, count);
        uint lo = low, hi = (uint)Max(keys) + 1;
        var above = 0;
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            var c = CountAtLeast(keys, mid);
            if (c >= k)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
                above = c;
            }
        }

        // Branch-free: every candidate is written, the cursor only advances for kept ones.
        var ties = k - above;
        var written = 0;
        ref var output = ref MemoryMarshal.GetArrayDataReference(_output);
        for (var i = 0; i < count; i++)
        {
            var key = (uint)_keys[i];
            var tie = key == lo && ties > 0 ? 1 : 0;
            Unsafe.Add(ref output, written) = (ushort)_slots[i];
            written += (key > lo ? 1 : 0) | tie;
            ties -= tie;
        }

        _output.AsSpan(0, k).CopyTo(selected);

        _threshold = low;
        if (rms > 0f && float.IsFinite(rms))
        {
            // Aim a little below this chunk's k-th magnitude so the next first guess rarely falls short.
            _thresholdOverRms = 0.92f * BitConverter.UInt32BitsToSingle(lo) / rms;
        }
    }

    /// <summary>Finds a threshold with at least k keys at or above it, galloping from the last one.</summary>
    private uint Bracket(ReadOnlySpan<float> values, int k)
    {
        var window = Math.Max(2 * k, k + 32);
        var keys = MemoryMarshal.Cast<float, int>(values);
        uint low = 0, high = NoUpperBound;
        bool measuredLow = false, measuredHigh = false;
        var step = FirstStep;
        var t = Math.Clamp(_threshold, 1u, Magnitude);
        while (true)
        {
            var c = CountAtLeast(keys, t, masked: true);
            if (c >= k)
            {
                low = t;
                measuredLow = true;
                if (c <= window)
                {
                    break;
                }
            }
            else
            {
                high = t;
                measuredHigh = true;
            }

            if (high - low <= 1)
            {
                break;
            }

            if (measuredLow && measuredHigh)
            {
                t = low + ((high - low) / 2);
            }
            else if (measuredLow)
            {
                t = high - low > step ? low + step : low + ((high - low) / 2);
                step = step < (1u << 30) ? step * 2 : step;
            }
            else
            {
                t = high - low > step ? high - step : low + ((high - low) / 2);
                step = step < (1u << 30) ? step * 2 : step;
            }

            if (t == 0)
            {
                break;
            }
        }

        return low;
    }

    /// <summary>How many keys are ≥ threshold (threshold ≤ 2^31); <paramref name="masked"/> clears sign bits first.</summary>
    internal static int CountAtLeast(ReadOnlySpan<int> keys, uint threshold, bool masked = false)
    {
        if (threshold == 0)
        {
            return keys.Length;
        }

        ref var start = ref MemoryMarshal.GetReference(keys);
        var mask = masked ? (int)Magnitude : -1;
        var below = (int)(threshold - 1);
        var i = 0;
        var count = 0;
        if (Vector512.IsHardwareAccelerated && keys.Length >= Vector512<int>.Count)
        {
            var m = Vector512.Create(mask);
            var b = Vector512.Create(below);
            var acc = Vector512<int>.Zero;
            for (; i <= keys.Length - Vector512<int>.Count; i += Vector512<int>.Count)
            {
                acc -= Vector512.GreaterThan(Vector512.LoadUnsafe(ref start, (nuint)i) & m, b);
            }

            count = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && keys.Length >= Vector256<int>.Count)
        {
            var m = Vector256.Create(mask);
            var b = Vector256.Create(below);
            var acc = Vector256<int>.Zero;
            for (; i <= keys.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                acc -= Vector256.GreaterThan(Vector256.LoadUnsafe(ref start, (nuint)i) & m, b);
            }

            count = Vector256.Sum(acc);
        }

        for (; i < keys.Length; i++)
        {
            count += (Unsafe.Add(ref start, i) & mask) > below ? 1 : 0;
        }

        return count;
    }

    private static int Max(ReadOnlySpan<int> keys)
    {
        var max = 0;
        foreach (var key in keys)
        {
            max = Math.Max(max, key);
        }

        return max;
    }

    /// <summary>Collects slots and keys with key ≥ threshold, in slot order; returns how many.</summary>
    private int Gather(ReadOnlySpan<float> values, uint threshold)
    {
        ref var start = ref Unsafe.As<float, int>(ref MemoryMarshal.GetReference(values));
        ref var slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_keys);
        var below = (int)(threshold - 1);
        var count = 0;
        var i = 0;
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && threshold > 0)
        {
            var magnitude = Vector512.Create((int)Magnitude);
            var b = Vector512.Create(below);
            var slot = Vector512.CreateSequence(0, 1);
            var sixteen = Vector512.Create(Vector512<int>.Count);
            for (; i <= values.Length - Vector512<int>.Count; i += Vector512<int>.Count)
            {
                var key = Vector512.LoadUnsafe(ref start, (nuint)i) & magnitude;
                var hit = Vector512.GreaterThan(key, b);
                Avx512F.Compress(Vector512<int>.Zero, hit, slot).StoreUnsafe(ref slots, (nuint)count);
                Avx512F.Compress(Vector512<int>.Zero, hit, key).StoreUnsafe(ref keys, (nuint)count);
                count += BitOperations.PopCount(hit.ExtractMostSignificantBits());
                slot += sixteen;
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var magnitude = Vector256.Create((int)Magnitude);
            var b = Vector256.Create(below);
            for (; i <= values.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var hits = Vector256.GreaterThan(Vector256.LoadUnsafe(ref start, (nuint)i) & magnitude, b).ExtractMostSignificantBits();
                while (hits != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(hits);
                    Unsafe.Add(ref slots, count) = at;
                    Unsafe.Add(ref keys, count) = Unsafe.Add(ref start, at) & (int)Magnitude;
                    count++;
                    hits &= hits - 1;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            var key = Unsafe.Add(ref start, i) & (int)Magnitude;
            if ((uint)key >= threshold)
            {
                Unsafe.Add(ref slots, count) = i;
                Unsafe.Add(ref keys, count) = key;
                count++;
            }
        }

        return count;
    }
}
