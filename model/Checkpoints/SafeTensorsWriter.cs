using System.Buffers.Binary;
using System.Text.Json;
using L402Train.Model.Tensors;

namespace L402Train.Model.Checkpoints;

/// <summary>
/// Writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// (<c>__metadata__</c> first, then each tensor's dtype, shape and [begin, end) byte offsets into the
/// data, in the given order), padded with spaces so the data starts 8-byte aligned, then the raw
/// little-endian tensor bytes back to back.
/// </summary>
public static class SafeTensorsWriter
{
    /// <summary>Writes tensors (converted to <paramref name="dtype"/>) and string metadata to a stream.</summary>
    public static void Write(Stream stream, IReadOnlyList<NamedTensor> tensors, SafeTensorsDType dtype, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = ToBytes(tensors, dtype, metadata);
        stream.Write(bytes);
    }

    /// <summary>The whole file as bytes.</summary>
    public static byte[] ToBytes(IReadOnlyList<NamedTensor> tensors, SafeTensorsDType dtype, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = Header(tensors, dtype, metadata);
        var padded = (header.Length + 7) / 8 * 8;
        long dataLength = tensors.Sum(t => (long)t.Values.Length * dtype.Size());
        var file = new byte[checked(8 + padded + dataLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file.AsSpan(8));
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        var at = 8 + padded;
        foreach (var tensor in tensors)
        {
            var values = tensor.Values.Span;
            var data = file.AsSpan(at, values.Length * dtype.Size());
            for (var i = 0; i < values.Length; i++)
            {
                if (dtype == SafeTensorsDType.F32)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(data[(i * 4)..], values[i]);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(data[(i * 2)..], SafeTensorsDTypes.ToBFloat16(values[i]));
                }
            }

            at += data.Length;
        }

        return file;
    }

    private static byte[] Header(IReadOnlyList<NamedTensor> tensors, SafeTensorsDType dtype, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            long offset = 0;
            foreach (var tensor in tensors)
            {
                if (tensor.Name == "__metadata__" || !names.Add(tensor.Name))
                {
                    throw new ArgumentException($"Tensor name '{tensor.Name}' is reserved or repeated.", nameof(tensors));
                }

                var length = (long)tensor.Values.Length * dtype.Size();
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", dtype.HeaderName());
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
