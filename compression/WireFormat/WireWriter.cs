using System.Buffers;
using System.Buffers.Binary;

namespace L402Train.Compression;

/// <summary>Buffered little-endian writer that keeps a running CRC-32C of everything it writes.</summary>
internal sealed class WireWriter : IDisposable
{
    public const int BufferSize = 1 << 16;

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _used;
    private uint _crc = Crc32C.Seed;

    public WireWriter(Stream stream) => _stream = stream;

    /// <summary>Bytes written so far (flushed or buffered).</summary>
    public long Position { get; private set; }

    /// <summary>A span of at least <paramref name="size"/> bytes (≤ <see cref="BufferSize"/>) to fill, then <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_used + size > BufferSize)
        {
            Flush();
        }

        return _buffer.AsSpan(_used, size);
    }

    public void Advance(int count)
    {
        _used += count;
        Position += count;
    }

    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        Advance(1);
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(GetSpan(2), value);
        Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(GetSpan(4), value);
        Advance(4);
    }

    public void WriteSingle(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(GetSpan(4), value);
        Advance(4);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var n = Math.Min(bytes.Length, BufferSize);
            bytes[..n].CopyTo(GetSpan(n));
            Advance(n);
            bytes = bytes[n..];
        }
    }

    /// <summary>Writes the CRC of everything so far (not itself covered) and flushes.</summary>
    public void WriteChecksumAndFlush()
    {
        Flush();
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32C.Finish(_crc));
        _stream.Write(trailer);
        Position += 4;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Flush()
    {
        _crc = Crc32C.Append(_crc, _buffer.AsSpan(0, _used));
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}
