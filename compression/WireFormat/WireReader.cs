using System.Buffers;
using System.Buffers.Binary;

namespace L402Train.Compression;

/// <summary>
/// Buffered little-endian reader over a stream that keeps a running CRC-32C of what it hands out
/// and turns running out of input into <see cref="CompressedFormatException"/>.
/// </summary>
internal sealed class WireReader : IDisposable
{
    public const int BufferSize = 1 << 16;

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;
    private uint _crc = Crc32C.Seed;

    public WireReader(Stream stream) => _stream = stream;

    /// <summary>Bytes consumed so far.</summary>
    public long Position { get; private set; }

    /// <summary>CRC-32C of every byte consumed through <see cref="Read"/>.</summary>
    public uint Checksum => Crc32C.Finish(_crc);

    /// <summary>The next <paramref name="count"/> bytes (≤ <see cref="BufferSize"/>), valid until the next call.</summary>
    public ReadOnlySpan<byte> Read(int count, string what)
    {
        var span = Take(count, what);
        _crc = Crc32C.Append(_crc, span);
        return span;
    }

    /// <summary>Like <see cref="Read"/> but outside the checksum (for the trailer itself).</summary>
    public ReadOnlySpan<byte> ReadUnchecked(int count, string what) => Take(count, what);

    public byte ReadByte(string what) => Read(1, what)[0];

    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Read(2, what));

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Read(4, what));

    public float ReadSingle(string what) => BinaryPrimitives.ReadSingleLittleEndian(Read(4, what));

    /// <summary>True when the stream holds no further byte.</summary>
    public bool AtEnd() => _start == _end && Fill(1) == 0;

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (_end - _start < count && Fill(count) < count)
        {
            throw new CompressedFormatException($"Payload is truncated: {what} at byte {Position + (_end - _start)} needs {count - (_end - _start)} more byte(s).");
        }

        var span = _buffer.AsSpan(_start, count);
        _start += count;
        Position += count;
        return span;
    }

    /// <summary>Tries to hold at least <paramref name="count"/> buffered bytes; returns how many it holds.</summary>
    private int Fill(int count)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        while (_end < count)
        {
            var n = _stream.Read(_buffer, _end, BufferSize - _end);
            if (n == 0)
            {
                break;
            }

            _end += n;
        }

        return _end;
    }
}
