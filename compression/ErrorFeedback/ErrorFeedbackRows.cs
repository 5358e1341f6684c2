using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace L402Train.Compression;

/// <summary>The streaming EF ← β·EF + Δ kernels, which also lay each chunk out contiguously for top-k.</summary>
internal static class ErrorFeedbackRows
{
    /// <summary>
    /// One row across a group of chunks (w a multiple of 8): ef ← β·ef + δ over the contiguous row,
    /// each w-wide piece copied to its chunk's local buffer (stride = chunk length) and its squares
    /// added to that chunk's accumulator.
    /// </summary>
    public static void UpdateGroupRow(Span<float> ef, ReadOnlySpan<float> delta, float beta, Span<float> local, int width, int length, Span<Vector256<float>> squares)
    {
        ref var e = ref MemoryMarshal.GetReference(ef);
        ref var d = ref MemoryMarshal.GetReference(delta);
        ref var l = ref MemoryMarshal.GetReference(local);
        var b = Vector256.Create(beta);
        for (int g = 0, at = 0; at < ef.Length; g++, at += width)
        {
            var sum = squares[g];
            ref var target = ref Unsafe.Add(ref l, g * length);
            for (var i = 0; i < width; i += Vector256<float>.Count)
            {
                var updated = (Vector256.LoadUnsafe(ref e, (nuint)(at + i)) * b) + Vector256.LoadUnsafe(ref d, (nuint)(at + i));
                updated.StoreUnsafe(ref e, (nuint)(at + i));
                updated.StoreUnsafe(ref target, (nuint)i);
                sum += updated * updated;
            }

            squares[g] = sum;
        }
    }

    /// <summary>As <see cref="UpdateGroupRow"/> with 512-bit vectors (w a multiple of 16).</summary>
    public static void UpdateGroupRow512(Span<float> ef, ReadOnlySpan<float> delta, float beta, Span<float> local, int width, int length, Span<Vector512<float>> squares)
    {
        ref var e = ref MemoryMarshal.GetReference(ef);
        ref var d = ref MemoryMarshal.GetReference(delta);
        ref var l = ref MemoryMarshal.GetReference(local);
        var b = Vector512.Create(beta);
        for (int g = 0, at = 0; at < ef.Length; g++, at += width)
        {
            var sum = squares[g];
            ref var target = ref Unsafe.Add(ref l, g * length);
            for (var i = 0; i < width; i += Vector512<float>.Count)
            {
                var updated = (Vector512.LoadUnsafe(ref e, (nuint)(at + i)) * b) + Vector512.LoadUnsafe(ref d, (nuint)(at + i));
                updated.StoreUnsafe(ref e, (nuint)(at + i));
                updated.StoreUnsafe(ref target, (nuint)i);
                sum += updated * updated;
            }

            squares[g] = sum;
        }
    }

    /// <summary>ef ← β·ef + δ for any width, copying into the chunk-local buffer; returns Σ ef².</summary>
    public static float UpdateRow(Span<float> ef, ReadOnlySpan<float> delta, float beta, Span<float> local)
    {
        var squares = 0f;
        for (var i = 0; i < ef.Length; i++)
        {
            var updated = (ef[i] * beta) + delta[i];
            ef[i] = updated;
            local[i] = updated;
            squares += updated * updated;
        }

        return squares;
    }
}
