using System.Buffers.Binary;

namespace L402Train.Compression.Tests;

/// <summary>Builds payloads and locates their parts so tests can corrupt them precisely.</summary>
internal static class Payloads
{
    public static SparseSubmission Submission(TensorManifest manifest, int seed, CompressionSettings? settings = null) =>
        new SparseLoCoEncoder(manifest, settings).Compress(Models.AsMemory(Models.Gradient(manifest, seed)));

    /// <summary>Offset of the first table entry in a payload without metadata.</summary>
    public const int TableStart = 4 + 1 + 1 + 1 + 4;

    /// <summary>Offset of tensor t's table entry (payload without metadata, 2-bit values).</summary>
    public static int TableEntry(TensorManifest manifest, int t)
    {
        var offset = TableStart;
        for (var i = 0; i < t; i++)
        {
            offset += EntryLength(manifest[i]);
        }

        return offset;
    }

    public static int EntryLength(TensorSpec spec) =>
        2 + System.Text.Encoding.UTF8.GetByteCount(spec.Name) + 1 + (4 * spec.Shape.Length) + 1 + 1 + 2 + 1 + 20;

    /// <summary>Offset of tensor t's v1 index section (payload without metadata, default settings).</summary>
    public static int V1Indices(TensorManifest manifest, int t)
    {
        var offset = TableEntry(manifest, manifest.Count);
        for (var i = 0; i < t; i++)
        {
            var n = manifest[i].Layout.ChunkCount * CompressionSettings.Default.KFor(manifest[i].Layout.ChunkLength);
            offset += TwelveBitIndices.PackedLength(n) + ((n + 3) / 4);
        }

        return offset;
    }

    /// <summary>Rewrites the trailing CRC so a corruption reaches the structural checks.</summary>
    public static void Reseal(byte[] payload)
    {
        if (payload.Length >= 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(payload.Length - 4), Crc32C.Compute(payload.AsSpan(0, payload.Length - 4)));
        }
    }
}

/// <summary>A non-seekable stream that hands out a few bytes per read, like a slow socket.</summary>
internal sealed class TrickleStream(byte[] data, int maxRead) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, maxRead), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
