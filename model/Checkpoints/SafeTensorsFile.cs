using System.Buffers.Binary;
using System.Text.Json;

namespace L402Train.Model.Checkpoints;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Begin">First byte in the data section.</param>
/// <param name="End">One past the last byte in the data section.</param>
public sealed record SafeTensorsEntry(string Name, SafeTensorsDType DType, IReadOnlyList<int> Shape, long Begin, long End)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// A parsed, validated safetensors file. Parsing is strict: the header length must be within
/// <see cref="MaxHeaderBytes"/> and the data present, the header must be a JSON object of tensor
/// entries (plus an optional string-to-string <c>__metadata__</c>), every dtype F32 or BF16, every
/// byte length equal to its shape's element count times the dtype size, and the tensors must tile
/// the data section exactly (no gaps, overlaps or trailing bytes). Anything else throws
/// <see cref="SafeTensorsFormatException"/>.
/// </summary>
public sealed class SafeTensorsFile
{
    /// <summary>Default limit on the JSON header (1 MiB; this project's headers are a few KB).</summary>
    public const int DefaultMaxHeaderBytes = 1 << 20;

    /// <summary>Largest header accepted by the reference implementation (100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private readonly byte[] _data;
    private readonly Dictionary<string, SafeTensorsEntry> _byName;

    private SafeTensorsFile(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafeTensorsEntry> entries, byte[] data)
    {
        Metadata = metadata;
        Entries = entries;
        _data = data;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The <c>__metadata__</c> strings (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor entries in data order.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>An entry by name, or null.</summary>
    public SafeTensorsEntry? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Reads and validates a whole file from a stream (to its end).</summary>
    /// <exception cref="SafeTensorsFormatException">The data is malformed or exceeds the limits.</exception>
    public static SafeTensorsFile Read(Stream stream, int maxHeaderBytes = DefaultMaxHeaderBytes, long maxDataBytes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            throw new SafeTensorsFormatException("File is shorter than the 8-byte header length.");
        }

        var headerLength = ReadHeaderLength(prefix, maxHeaderBytes);
        var header = new byte[headerLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            throw new SafeTensorsFormatException($"Header is truncated: expected {headerLength} bytes.");
        }

        var (metadata, entries, dataLength) = ParseHeader(header);
        if (dataLength > Math.Min(maxDataBytes, Array.MaxLength))
        {
            throw new SafeTensorsFormatException($"Data section of {dataLength} bytes exceeds the limit of {Math.Min(maxDataBytes, Array.MaxLength)}.");
        }

        var data = new byte[dataLength];
        if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length)
        {
            throw new SafeTensorsFormatException($"Data section is truncated: expected {dataLength} bytes.");
        }

        if (stream.ReadByte() >= 0)
        {
            throw new SafeTensorsFormatException("Bytes follow the last tensor's data.");
        }

        return new SafeTensorsFile(metadata, entries, data);
    }

    /// <summary>Parses a whole file held in memory.</summary>
    /// <exception cref="SafeTensorsFormatException">The data is malformed or exceeds the limits.</exception>
    public static SafeTensorsFile Parse(byte[] file, int maxHeaderBytes = DefaultMaxHeaderBytes)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var stream = new MemoryStream(file, writable: false);
        return Read(stream, maxHeaderBytes);
    }

    /// <summary>A tensor's values as floats (BF16 widened exactly).</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public float[] ReadFloats(string name)
    {
        var entry = Find(name) ?? throw new KeyNotFoundException($"No tensor named '{name}'.");
        var values = new float[entry.ElementCount];
        CopyTo(entry, values);
        return values;
    }

    /// <summary>Copies a tensor's values into a span of exactly its element count.</summary>
    public void CopyTo(SafeTensorsEntry entry, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (destination.Length != entry.ElementCount)
        {
            throw new ArgumentException($"Tensor '{entry.Name}' has {entry.ElementCount} elements, destination {destination.Length}.", nameof(destination));
        }

        var bytes = _data.AsSpan((int)entry.Begin, (int)(entry.End - entry.Begin));
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = entry.DType == SafeTensorsDType.F32
                ? BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..])
                : SafeTensorsDTypes.FromBFloat16(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]));
        }
    }

    private static int ReadHeaderLength(ReadOnlySpan<byte> prefix, int maxHeaderBytes)
    {
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        var limit = Math.Min(maxHeaderBytes, MaxHeaderBytes);
        if (length > (ulong)limit)
        {
            throw new SafeTensorsFormatException($"Header length {length} exceeds the limit of {limit} bytes.");
        }

        if (length < 2)
        {
            throw new SafeTensorsFormatException($"Header length {length} is too small for a JSON object.");
        }

        return (int)length;
    }

    private static (IReadOnlyDictionary<string, string>, IReadOnlyList<SafeTensorsEntry>, long) ParseHeader(byte[] header)
    {
        if (header[0] != (byte)'{')
        {
            throw new SafeTensorsFormatException("Header does not start with '{'.");
        }

        JsonDocument document;
        try
        {
            // Trailing spaces are the format's alignment padding.
            document = JsonDocument.Parse(header.AsMemory(0, TrimmedLength(header)), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"Header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafeTensorsEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new SafeTensorsFormatException($"Header names '{property.Name}' twice.");
                }

                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata);
                    continue;
                }

                entries.Add(ReadEntry(property.Name, property.Value));
            }

            entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            long expected = 0;
            foreach (var entry in entries)
            {
                if (entry.Begin != expected)
                {
                    throw new SafeTensorsFormatException($"Tensor '{entry.Name}' starts at byte {entry.Begin}, expected {expected}: the data has a gap or an overlap.");
                }

                expected = entry.End;
            }

            return (metadata, entries, expected);
        }
    }

    private static int TrimmedLength(byte[] header)
    {
        var length = header.Length;
        while (length > 0 && header[length - 1] == (byte)' ')
        {
            length--;
        }

        return length;
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException("__metadata__ is not an object.");
        }

        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafeTensorsFormatException($"__metadata__ value '{item.Name}' is not a string.");
            }

            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw new SafeTensorsFormatException($"__metadata__ names '{item.Name}' twice.");
            }
        }
    }

    private static SafeTensorsEntry ReadEntry(string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException($"Tensor '{name}' is not an object.");
        }

        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new SafeTensorsFormatException($"Tensor '{name}' has no dtype string.");
        }

        var dtype = dtypeElement.GetString() switch
        {
            "F32" => SafeTensorsDType.F32,
            "BF16" => SafeTensorsDType.BF16,
            var other => throw new SafeTensorsFormatException($"Tensor '{name}' has unsupported dtype '{other}' (F32 and BF16 are supported)."),
        };

        var shape = ReadIntegers(name, element, "shape", -1);
        var offsets = ReadIntegers(name, element, "data_offsets", 2);
        long count = 1;
        foreach (var d in shape)
        {
            if (d > int.MaxValue)
            {
                throw new SafeTensorsFormatException($"Tensor '{name}' has dimension {d} beyond the supported range.");
            }

            count = d == 0 ? 0 : count > long.MaxValue / d ? throw new SafeTensorsFormatException($"Tensor '{name}' shape overflows.") : count * d;
        }

        if (offsets[1] < offsets[0])
        {
            throw new SafeTensorsFormatException($"Tensor '{name}' ends before it begins.");
        }

        if (count > int.MaxValue || offsets[1] - offsets[0] != count * dtype.Size())
        {
            throw new SafeTensorsFormatException($"Tensor '{name}' spans {offsets[1] - offsets[0]} bytes but its shape and dtype need {count * dtype.Size()}.");
        }

        return new SafeTensorsEntry(name, dtype, [.. shape.Select(d => (int)d)], offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(string name, JsonElement element, string field, int expectedCount)
    {
        if (!element.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new SafeTensorsFormatException($"Tensor '{name}' has no {field} array.");
        }

        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 0)
            {
                throw new SafeTensorsFormatException($"Tensor '{name}' {field} holds a value that is not a non-negative integer.");
            }

            values.Add(value);
        }

        if (expectedCount >= 0 && values.Count != expectedCount)
        {
            throw new SafeTensorsFormatException($"Tensor '{name}' {field} has {values.Count} values, expected {expectedCount}.");
        }

        return [.. values];
    }
}
