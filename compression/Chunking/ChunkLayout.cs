using System.Collections.Immutable;

namespace L402Train.Compression;

/// <summary>
/// The reference chunk view of a tensor. A 2-D tensor <c>W[R, C]</c> is viewed as
/// <c>[R/h, C/w, h·w]</c> ("(y h)(x w) → y x (h w)"): element (r, c) lies in chunk
/// (r / h, c / w), chunks ordered row-major, at chunk-local slot (r mod h)·w + (c mod w).
/// A 1-D tensor <c>b[n]</c> is viewed as <c>[n/w, w]</c>, i.e. the 2-D case with one row and h = 1.
/// </summary>
public sealed class ChunkLayout
{
    private ChunkLayout(int rows, int columns, int chunkRows, int chunkColumns)
    {
        Rows = rows;
        Columns = columns;
        ChunkHeight = chunkRows;
        ChunkWidth = chunkColumns;
        ChunksDown = rows / chunkRows;
        ChunksAcross = columns / chunkColumns;
        ChunkCount = ChunksDown * ChunksAcross;
        ChunkLength = chunkRows * chunkColumns;
        _widthReciprocal = (uint)(((1L << ReciprocalShift) + chunkColumns - 1) / chunkColumns);
    }

    // slot / w as (slot · ⌈2^22 / w⌉) >> 22, exact for slot < 2^16 and w ≤ 64: decoding scatters
    // hundreds of thousands of slots and an integer division per slot would dominate it.
    private const int ReciprocalShift = 22;
    private readonly uint _widthReciprocal;

    /// <summary>Rows of the 2-D view (1 for a 1-D tensor).</summary>
    public int Rows { get; }

    /// <summary>Columns of the 2-D view (n for a 1-D tensor).</summary>
    public int Columns { get; }

    /// <summary>Chunk side along rows (h).</summary>
    public int ChunkHeight { get; }

    /// <summary>Chunk side along columns (w).</summary>
    public int ChunkWidth { get; }

    /// <summary>Chunks along rows (R / h).</summary>
    public int ChunksDown { get; }

    /// <summary>Chunks along columns (C / w).</summary>
    public int ChunksAcross { get; }

    /// <summary>Number of chunks.</summary>
    public int ChunkCount { get; }

    /// <summary>Elements per chunk (h·w, at most 4,096).</summary>
    public int ChunkLength { get; }

    /// <summary>The reference layout for a rank-1 or rank-2 shape.</summary>
    public static ChunkLayout For(ImmutableArray<int> shape)
    {
        var rows = shape.Length == 2 ? shape[0] : 1;
        var columns = shape[^1];
        return new ChunkLayout(rows, columns, ChunkSide.Of(rows), ChunkSide.Of(columns));
    }

    /// <summary>Row-major element offset of chunk-local slot <paramref name="slot"/> in chunk <paramref name="chunk"/>.</summary>
    public int OffsetOf(int chunk, int slot)
    {
        var (y, x) = Math.DivRem(chunk, ChunksAcross);
        var (r, c) = Math.DivRem(slot, ChunkWidth);
        return ((y * ChunkHeight) + r) * Columns + (x * ChunkWidth) + c;
    }

    /// <summary>Offset of chunk-local slot <paramref name="slot"/> from its chunk's origin: (slot / w)·C + slot mod w.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int SlotOffset(int slot)
    {
        var r = (int)(((uint)slot * _widthReciprocal) >> ReciprocalShift);
        return (r * Columns) + slot - (r * ChunkWidth);
    }

    /// <summary>Offset of a chunk's first element (its slot 0).</summary>
    public int ChunkOrigin(int chunk)
    {
        var (y, x) = Math.DivRem(chunk, ChunksAcross);
        return (y * ChunkHeight * Columns) + (x * ChunkWidth);
    }

    /// <summary>Copies a tensor into chunk view order: chunk by chunk, each chunk's slots in order.</summary>
    public void ToChunks(ReadOnlySpan<float> tensor, Span<float> chunks)
    {
        for (var chunk = 0; chunk < ChunkCount; chunk++)
        {
            var origin = ChunkOrigin(chunk);
            for (var r = 0; r < ChunkHeight; r++)
            {
                tensor.Slice(origin + (r * Columns), ChunkWidth)
                    .CopyTo(chunks.Slice((chunk * ChunkLength) + (r * ChunkWidth), ChunkWidth));
            }
        }
    }

    /// <summary>Inverse of <see cref="ToChunks"/>.</summary>
    public void FromChunks(ReadOnlySpan<float> chunks, Span<float> tensor)
    {
        for (var chunk = 0; chunk < ChunkCount; chunk++)
        {
            var origin = ChunkOrigin(chunk);
            for (var r = 0; r < ChunkHeight; r++)
            {
                chunks.Slice((chunk * ChunkLength) + (r * ChunkWidth), ChunkWidth)
                    .CopyTo(tensor.Slice(origin + (r * Columns), ChunkWidth));
            }
        }
    }
}
