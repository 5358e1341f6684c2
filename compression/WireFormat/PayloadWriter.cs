using System.Buffers;

namespace L402Train.Compression;

/// <summary>
/// Writes a <see cref="SparseSubmission"/> in the wire format (layout in docs/compression.md):
/// header and metadata, the tensor table, then each tensor's index and value sections, then a
/// CRC-32C. Sections are produced in bounded pieces straight into the stream's buffer.
/// </summary>
internal static class PayloadWriter
{
    private const int IndexBlock = 8192; // indices per 12-bit block (12 KiB)

    public static long Write(SparseSubmission submission, Stream output, WireVersion version, PayloadMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (version is not (WireVersion.V1 or WireVersion.V2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown wire version.");
        }

        using var writer = new WireWriter(output);
        writer.WriteBytes(WireConstants.Magic);
        writer.WriteByte((byte)version);
        writer.WriteByte(0);
        WriteMetadata(writer, metadata);
        writer.WriteUInt32((uint)submission.Tensors.Count);
        foreach (var tensor in submission.Tensors)
        {
            WriteTableEntry(writer, tensor);
        }

        foreach (var original in submission.Tensors)
        {
            // Gap coding needs ascending slots; the encoder emits them so, other sources may not.
            var tensor = version == WireVersion.V2 ? original.SortedBySlot() : original;
            if (version == WireVersion.V1)
            {
                WriteTwelveBit(writer, tensor.Indices);
            }
            else
            {
                WriteRice(writer, tensor);
            }

            WriteValues(writer, tensor);
        }

        writer.WriteChecksumAndFlush();
        return writer.Position;
    }

    private static void WriteMetadata(WireWriter writer, PayloadMetadata metadata)
    {
        writer.WriteByte((byte)metadata.Entries.Count);
        foreach (var (key, value) in metadata.Entries)
        {
            var keyBytes = System.Text.Encoding.UTF8.GetBytes(key);
            var valueBytes = System.Text.Encoding.UTF8.GetBytes(value);
            writer.WriteByte((byte)keyBytes.Length);
            writer.WriteBytes(keyBytes);
            writer.WriteUInt16((ushort)valueBytes.Length);
            writer.WriteBytes(valueBytes);
        }
    }

    private static void WriteTableEntry(WireWriter writer, SparseTensor tensor)
    {
        var spec = tensor.Spec;
        var name = System.Text.Encoding.UTF8.GetBytes(spec.Name);
        writer.WriteUInt16((ushort)name.Length);
        writer.WriteBytes(name);
        writer.WriteByte((byte)spec.Shape.Length);
        foreach (var dim in spec.Shape)
        {
            writer.WriteUInt32((uint)dim);
        }

        writer.WriteByte((byte)spec.Layout.ChunkHeight);
        writer.WriteByte((byte)spec.Layout.ChunkWidth);
        writer.WriteUInt16((ushort)tensor.K);
        if (tensor.Table is { } table)
        {
            writer.WriteByte((byte)ValueCoding.TwoBitLookup);
            writer.WriteSingle(table.Shift);
            foreach (var entry in table.Lookup)
            {
                writer.WriteSingle(entry);
            }
        }
        else
        {
            writer.WriteByte((byte)ValueCoding.Float32);
        }
    }

    private static void WriteTwelveBit(WireWriter writer, ReadOnlySpan<ushort> indices)
    {
        // Blocks hold an even count so pairs never straddle a block; only the last may be odd.
        for (var start = 0; start < indices.Length; start += IndexBlock)
        {
            var block = indices.Slice(start, Math.Min(IndexBlock, indices.Length - start));
            var bytes = TwelveBitIndices.PackedLength(block.Length);
            TwelveBitIndices.Write(block, writer.GetSpan(bytes));
            writer.Advance(bytes);
        }
    }

    private static void WriteRice(WireWriter writer, SparseTensor tensor)
    {
        var indices = tensor.Indices;
        var b = RiceGapCoder.ChooseParameter(indices, tensor.K, out var bits);
        var bytes = checked((int)((bits + 7) / 8));
        writer.WriteByte((byte)b);
        writer.WriteUInt32((uint)bytes);
        var scratch = ArrayPool<byte>.Shared.Rent(bytes + 8);
        try
        {
            var written = RiceGapCoder.Encode(indices, tensor.K, b, scratch);
            writer.WriteBytes(scratch.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static void WriteValues(WireWriter writer, SparseTensor tensor)
    {
        if (tensor.Table is null)
        {
            var values = tensor.Values;
            for (var start = 0; start < values.Length; start += IndexBlock)
            {
                var block = values.Slice(start, Math.Min(IndexBlock, values.Length - start));
                var span = writer.GetSpan(block.Length * 4);
                for (var i = 0; i < block.Length; i++)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(span[(4 * i)..], block[i]);
                }

                writer.Advance(block.Length * 4);
            }

            return;
        }

        var codes = tensor.Codes;
        for (var start = 0; start < codes.Length; start += 4 * IndexBlock)
        {
            var block = codes.Slice(start, Math.Min(4 * IndexBlock, codes.Length - start));
            var bytes = (block.Length + 3) / 4;
            var span = writer.GetSpan(bytes);
            TwoBitCodes.Pack(block, span[..bytes]);
            writer.Advance(bytes);
        }
    }
}
