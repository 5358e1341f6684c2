using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace L402Train.Compression;

/// <summary>
/// Exact top-k by magnitude within one chunk, ties broken by the lower slot (torch leaves ties
/// unspecified; a deterministic rule lets peers and tests agree). Selected slots come out ascending.
/// </summary>
/// <remarks>
/// Sorting 4,096 elements per chunk would dominate compression time, so the selector brackets the
/// k-th magnitude with a threshold on the IEEE bit pattern of |x| (monotone for non-negative floats):
/// SIMD counts of "how many are ≥ t", galloping from the previous chunk's threshold (neighbouring
/// chunks have similar scale), until between k and a small multiple of k candidates remain. Only
/// those candidates go through an exact quickselect. NaN and ±∞ have the largest patterns, so a
/// non-finite value is always selected and the quantizer reports it. Not thread-safe: one per thread.
/// </remarks>
internal sealed class ChunkTopK
{
    private const int MaxChunk = 4096;
    private const uint FirstStep = 1u << 20;
    private const uint NoUpperBound = 0x8000_0000u;

    private readonly ushort[] _candidates = new ushort[MaxChunk];
    private readonly ulong[] _composites = new ulong[MaxChunk];
    private readonly ulong[] _work = new ulong[MaxChunk];
    private uint _threshold = 0x3A80_0000u; // ~1e-3: any start works, the search gallops from it

    /// <summary>Writes the k slots of largest |values[slot]| to <paramref name="selected"/>, ascending.</summary>
    public void Select(ReadOnlySpan<float> values, int k, Span<ushort> selected)
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

        var low = Bracket(values, k, out var lowCount);
        var count = Gather(values, low);
        if (lowCount == k)
        {
            _candidates.AsSpan(0, k).CopyTo(selected);
            return;
        }

        // Composite key: magnitude bits above, inverted slot below, so every key is distinct and the
        // lower slot wins a tie in magnitude.
        _composites.AsSpan(0, count).CopyTo(_work);
        var pivot = KthLargest(_work.AsSpan(0, count), k);
        var written = 0;
        for (var i = 0; i < count; i++)
        {
            if (_composites[i] >= pivot)
            {
                selected[written++] = _candidates[i];
            }
        }
    }

    /// <summary>Finds a threshold t with k ≤ count(|x| ≥ t) ≤ window (or the tightest one possible).</summary>
    private uint Bracket(ReadOnlySpan<float> values, int k, out int lowCount)
    {
        var window = Math.Max(2 * k, k + 32);
        uint low = 0, high = NoUpperBound;
        lowCount = values.Length;
        bool measuredLow = false, measuredHigh = false;
        var step = FirstStep;
        var t = Math.Clamp(_threshold, 1u, 0x7FFF_FFFFu);
        while (true)
        {
            var c = CountAtLeast(values, t);
            if (c >= k)
            {
                low = t;
                lowCount = c;
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

        _threshold = low == 0 ? _threshold : low;
        return low;
    }

    private static int CountAtLeast(ReadOnlySpan<float> values, uint threshold)
    {
        ref var start = ref Unsafe.As<float, int>(ref MemoryMarshal.GetReference(values));
        var i = 0;
        var count = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<int>.Count)
        {
            var magnitude = Vector256.Create(0x7FFF_FFFF);
            var below = Vector256.Create((int)threshold - 1);
            var acc = Vector256<int>.Zero;
            for (; i <= values.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var keys = Vector256.LoadUnsafe(ref start, (nuint)i) & magnitude;
                acc -= Vector256.GreaterThan(keys, below);
            }

            count = Vector256.Sum(acc);
        }

        for (; i < values.Length; i++)
        {
            count += (uint)(Unsafe.Add(ref start, i) & 0x7FFF_FFFF) >= threshold ? 1 : 0;
        }

        return count;
    }

    private int Gather(ReadOnlySpan<float> values, uint threshold)
    {
        ref var start = ref Unsafe.As<float, int>(ref MemoryMarshal.GetReference(values));
        var count = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<int>.Count)
        {
            var magnitude = Vector256.Create(0x7FFF_FFFF);
            var below = Vector256.Create((int)threshold - 1);
            for (; i <= values.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var keys = Vector256.LoadUnsafe(ref start, (nuint)i) & magnitude;
                var mask = Vector256.GreaterThan(keys, below).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    var slot = i + BitOperations.TrailingZeroCount(mask);
                    Add(ref count, slot, (uint)(Unsafe.Add(ref start, slot) & 0x7FFF_FFFF));
                    mask &= mask - 1;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            var key = (uint)(Unsafe.Add(ref start, i) & 0x7FFF_FFFF);
            if (key >= threshold)
            {
                Add(ref count, i, key);
            }
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(ref int count, int slot, uint key)
    {
        _candidates[count] = (ushort)slot;
        _composites[count] = ((ulong)key << 32) | (uint)(ushort.MaxValue - slot);
        count++;
    }

    /// <summary>The k-th largest of distinct keys (Hoare selection with a median-of-three pivot).</summary>
    internal static ulong KthLargest(Span<ulong> keys, int k)
    {
        int lo = 0, hi = keys.Length - 1, target = k - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var pivot = MedianOfThree(keys[lo], keys[mid], keys[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (keys[i] > pivot)
                {
                    i++;
                }

                while (keys[j] < pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    i++;
                    j--;
                }
            }

            if (target <= j)
            {
                hi = j;
            }
            else if (target >= i)
            {
                lo = i;
            }
            else
            {
                return keys[target];
            }
        }

        return keys[target];
    }

    private static ulong MedianOfThree(ulong a, ulong b, ulong c) =>
        Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
