using System.Buffers;
using System.Text;

namespace L402Train.Compression;

/// <summary>
/// Strict validator-side decoder: payload bytes → <see cref="DecodedPayload"/>, checked against the
/// expected manifest and settings. Any malformed, truncated, oversized or mismatching input raises
/// <see cref="CompressedFormatException"/> naming the problem, and nothing else; allocations are
/// bounded by the manifest and <see cref="DecoderLimits"/>, never by sizes the input declares.
/// Thread-safe: one decoder can serve concurrent calls.
/// </summary>
public sealed class SparseLoCoDecoder
{
    private const int Block = 8192;

    private readonly TensorManifest _manifest;
    private readonly DecoderLimits _limits;
    private readonly byte[][] _names;
    private readonly int[] _k;
    private readonly ValueCoding _coding;

    /// <summary>Creates a decoder for one model manifest.</summary>
    /// <param name="manifest">The tensors every payload must carry, in order.</param>
    /// <param name="settings">The shared settings (k rule, quantization on or off); default <see cref="CompressionSettings.Default"/>.</param>
    /// <param name="limits">Size limits; default <see cref="DecoderLimits.Default"/>.</param>
    public SparseLoCoDecoder(TensorManifest manifest, CompressionSettings? settings = null, DecoderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        settings ??= CompressionSettings.Default;
        settings.Validate();
        _manifest = manifest;
        _limits = limits ?? DecoderLimits.Default;
        _names = [.. manifest.Tensors.Select(t => Encoding.UTF8.GetBytes(t.Name))];
        _k = [.. manifest.Tensors.Select(t => settings.KFor(t.Layout.ChunkLength))];
        _coding = settings.Quantize ? ValueCoding.TwoBitLookup : ValueCoding.Float32;
    }

    /// <summary>Decodes a payload held in memory.</summary>
    public DecodedPayload Decode(ReadOnlyMemory<byte> payload)
    {
        using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
        return Decode(stream);
    }

    /// <summary>
    /// Reads the whole of an asynchronous stream (an HTTP body) up to the size limit, then decodes.
    /// The compressed payload is a small fraction of the model, so holding it once is cheap.
    /// </summary>
    public async Task<DecodedPayload> DecodeAsync(Stream input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var copy = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int n;
            while ((n = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (copy.Length + n > _limits.MaxPayloadBytes)
                {
                    throw new CompressedFormatException($"Payload exceeds the limit of {_limits.MaxPayloadBytes} bytes.");
                }

                copy.Write(buffer, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        copy.Position = 0;
        return Decode(copy);
    }

    /// <summary>Decodes a payload from a stream, reading it once, front to back.</summary>
    public DecodedPayload Decode(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var reader = new WireReader(input);
        if (!reader.Read(4, "magic").SequenceEqual(WireConstants.Magic))
        {
            throw new CompressedFormatException("Bad magic: not a SparseLoCo payload.");
        }

        var versionByte = reader.ReadByte("version");
        if (versionByte is not ((byte)WireVersion.V1 or (byte)WireVersion.V2))
        {
            throw new CompressedFormatException($"Unsupported wire version {versionByte}.");
        }

        var version = (WireVersion)versionByte;
        var flags = reader.ReadByte("header flags");
        if (flags != 0)
        {
            throw new CompressedFormatException($"Unknown header flags 0x{flags:X2}.");
        }

        var metadata = MetadataReader.Read(reader);
        var count = reader.ReadUInt32("tensor count");
        if (count != _manifest.Count)
        {
            throw new CompressedFormatException($"Payload declares {count} tensors; the manifest has {_manifest.Count}.");
        }

        var tables = new QuantizerTable?[_manifest.Count];
        for (var i = 0; i < _manifest.Count; i++)
        {
            tables[i] = ReadTableEntry(reader, i);
        }

        var declared = reader.Position + 4;
        for (var i = 0; i < _manifest.Count; i++)
        {
            var n = (long)_manifest[i].Layout.ChunkCount * _k[i];
            declared += ValueBytes(n) + (version == WireVersion.V1 ? TwelveBitIndices.PackedLength((int)n) : 5);
        }

        CheckLimit(declared);
        var tensors = new SparseTensor[_manifest.Count];
        for (var i = 0; i < _manifest.Count; i++)
        {
            tensors[i] = ReadTensor(reader, i, version, tables[i], ref declared);
        }

        var computed = reader.Checksum;
        var stored = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(reader.ReadUnchecked(4, "checksum"));
        if (computed != stored)
        {
            throw new CompressedFormatException($"Checksum mismatch: payload says 0x{stored:X8}, content gives 0x{computed:X8}.");
        }

        if (!reader.AtEnd())
        {
            throw new CompressedFormatException($"Trailing bytes after the checksum at byte {reader.Position}.");
        }

        return new DecodedPayload(version, metadata, new SparseSubmission(_manifest, tensors), reader.Position);
    }

    private long ValueBytes(long n) => _coding == ValueCoding.TwoBitLookup ? (n + 3) / 4 : 4 * n;

    private void CheckLimit(long declared)
    {
        if (declared > _limits.MaxPayloadBytes)
        {
            throw new CompressedFormatException($"Payload declares at least {declared} bytes, over the limit of {_limits.MaxPayloadBytes}.");
        }
    }

    private QuantizerTable? ReadTableEntry(WireReader reader, int i)
    {
        var spec = _manifest[i];
        var nameLength = reader.ReadUInt16("tensor name length");
        if (nameLength is 0 or > TensorSpec.MaxNameBytes)
        {
            throw new CompressedFormatException($"Tensor #{i} declares a name of {nameLength} bytes; names are 1 to {TensorSpec.MaxNameBytes}.");
        }

        var name = reader.Read(nameLength, "tensor name");
        if (!name.SequenceEqual(_names[i]))
        {
            throw new CompressedFormatException($"Tensor #{i} is named '{Encoding.UTF8.GetString(name)}'; the manifest expects '{spec.Name}'.");
        }

        var rank = reader.ReadByte("tensor rank");
        if (rank != spec.Shape.Length)
        {
            throw new CompressedFormatException($"Tensor '{spec.Name}' has rank {rank}; the manifest expects {spec}.");
        }

        for (var d = 0; d < rank; d++)
        {
            var dim = reader.ReadUInt32("tensor dimension");
            if (dim != (uint)spec.Shape[d])
            {
                throw new CompressedFormatException($"Tensor '{spec.Name}' has dimension {d} = {dim}; the manifest expects {spec}.");
            }
        }

        var layout = spec.Layout;
        var h = reader.ReadByte("chunk height");
        var w = reader.ReadByte("chunk width");
        if (h != layout.ChunkHeight || w != layout.ChunkWidth)
        {
            throw new CompressedFormatException($"Tensor '{spec.Name}' declares {h}×{w} chunks; its shape gives {layout.ChunkHeight}×{layout.ChunkWidth}.");
        }

        var k = reader.ReadUInt16("k");
        if (k != _k[i])
        {
            throw new CompressedFormatException($"Tensor '{spec.Name}' declares k = {k}; the settings give {_k[i]}.");
        }

        var coding = reader.ReadByte("value coding");
        if (coding != (byte)_coding)
        {
            throw new CompressedFormatException($"Tensor '{spec.Name}' uses value coding {coding}; the settings expect {(byte)_coding}.");
        }

        if (_coding != ValueCoding.TwoBitLookup)
        {
            return null;
        }

        var shift = reader.ReadSingle("quantizer shift");
        Span<float> lookup = stackalloc float[QuantizerTable.Bins];
        for (var b = 0; b < lookup.Length; b++)
        {
            lookup[b] = reader.ReadSingle("quantizer lookup");
        }

        var table = new QuantizerTable(shift, lookup);
        if (!table.IsFinite)
        {
            throw new CompressedFormatException($"Tensor '{spec.Name}' has a non-finite quantizer table.");
        }

        return table;
    }

    private SparseTensor ReadTensor(WireReader reader, int i, WireVersion version, QuantizerTable? table, ref long declared)
    {
        var spec = _manifest[i];
        var layout = spec.Layout;
        var k = _k[i];
        var n = layout.ChunkCount * k;
        var indices = new ushort[n];
        if (version == WireVersion.V1)
        {
            ReadTwelveBit(reader, spec, indices);
            CheckSlots(spec, k, indices);
        }
        else
        {
            ReadRice(reader, spec, k, indices, ref declared);
        }

        var values = new float[n];
        byte[]? codes = null;
        if (table is not null)
        {
            codes = new byte[n];
            var dequantized = table.Dequantized;
            for (var start = 0; start < n; start += 4 * Block)
            {
                var count = Math.Min(4 * Block, n - start);
                var block = codes.AsSpan(start, count);
                if (!TwoBitCodes.Unpack(reader.Read((count + 3) / 4, "values"), block))
                {
                    throw new CompressedFormatException($"Tensor '{spec.Name}' has non-zero padding after its last value.");
                }

                for (var j = start; j < start + count; j++)
                {
                    values[j] = dequantized[codes[j]];
                }
            }
        }
        else
        {
            for (var start = 0; start < n; start += Block)
            {
                var count = Math.Min(Block, n - start);
                var bytes = reader.Read(4 * count, "values");
                for (var j = 0; j < count; j++)
                {
                    var v = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * j)..]);
                    if (!float.IsFinite(v))
                    {
                        throw new CompressedFormatException($"Tensor '{spec.Name}' carries a non-finite value.");
                    }

                    values[start + j] = v;
                }
            }
        }

        return new SparseTensor(spec, k, indices, values, table, codes);
    }

    private static void ReadTwelveBit(WireReader reader, TensorSpec spec, ushort[] indices)
    {
        for (var start = 0; start < indices.Length; start += Block)
        {
            var count = Math.Min(Block, indices.Length - start);
            var bytes = reader.Read(TwelveBitIndices.PackedLength(count), "indices");
            if (!TwelveBitIndices.Read(bytes, indices.AsSpan(start, count)))
            {
                throw new CompressedFormatException($"Tensor '{spec.Name}' has non-zero padding after its last index.");
            }
        }
    }

    private static void CheckSlots(TensorSpec spec, int k, ushort[] indices)
    {
        var chunkLength = spec.Layout.ChunkLength;
        Span<ulong> seen = stackalloc ulong[64];
        for (var chunk = 0; chunk < spec.Layout.ChunkCount; chunk++)
        {
            seen.Clear();
            foreach (var slot in indices.AsSpan(chunk * k, k))
            {
                if (slot >= chunkLength)
                {
                    throw new CompressedFormatException($"Tensor '{spec.Name}' chunk {chunk}: index {slot} is out of range for a chunk of {chunkLength}.");
                }

                var bit = 1ul << slot;
                if ((seen[slot >> 6] & bit) != 0)
                {
                    throw new CompressedFormatException($"Tensor '{spec.Name}' chunk {chunk}: index {slot} is repeated.");
                }

                seen[slot >> 6] |= bit;
            }
        }
    }

    private void ReadRice(WireReader reader, TensorSpec spec, int k, ushort[] indices, ref long declared)
    {
        var b = reader.ReadByte("Rice parameter");
        if (b > RiceGapCoder.MaxParameter)
        {
            throw new CompressedFormatException($"Tensor '{spec.Name}' declares Rice parameter {b}; at most {RiceGapCoder.MaxParameter}.");
        }

        var length = reader.ReadUInt32("index section length");
        var maxBits = (long)indices.Length * (b + 1 + ((spec.Layout.ChunkLength - 1) >> b));
        if (length > (maxBits + 7) / 8)
        {
            throw new CompressedFormatException($"Tensor '{spec.Name}' declares an index section of {length} bytes; {indices.Length} indices need at most {(maxBits + 7) / 8}.");
        }

        declared += length;
        CheckLimit(declared);
        var section = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            for (var start = 0; start < length; start += WireReader.BufferSize)
            {
                var count = (int)Math.Min(WireReader.BufferSize, length - start);
                reader.Read(count, "indices").CopyTo(section.AsSpan(start));
            }

            var problem = RiceGapCoder.Decode(section.AsSpan(0, (int)length), k, b, spec.Layout.ChunkLength, indices);
            if (problem is not null)
            {
                throw new CompressedFormatException($"Tensor '{spec.Name}': {problem}.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(section);
        }
    }
}
