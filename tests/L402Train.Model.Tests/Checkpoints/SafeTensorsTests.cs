using System.Buffers.Binary;
using System.Text;
using L402Train.Model.Checkpoints;
using L402Train.Model.Tensors;

namespace L402Train.Model.Tests.Checkpoints;

public sealed class SafeTensorsTests
{
    private static ParameterSet TwoTensors()
    {
        var layout = new List<TensorSlot> { new("a", [2], 0), new("b.w", [1, 3], 2) };
        return new ParameterSet(layout, [1.0f, -2.5f, 0.5f, 3.0f, float.Epsilon]);
    }

    [Fact]
    public void Writes_the_byte_layout_the_format_specifies()
    {
        var bytes = SafeTensorsWriter.ToBytes(TwoTensors().Tensors, SafeTensorsDType.F32, new Dictionary<string, string> { ["k"] = "v" });
        const string json = "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b.w\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[8,20]}}";
        var padded = (json.Length + 7) / 8 * 8;
        Assert.Equal((ulong)padded, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(json + new string(' ', padded - json.Length), Encoding.UTF8.GetString(bytes, 8, padded));
        Assert.Equal(0, (8 + padded) % 8);
        Assert.Equal(8 + padded + 20, bytes.Length);
        var data = bytes.AsSpan(8 + padded);
        Assert.Equal([0x00, 0x00, 0x80, 0x3F], data[..4].ToArray()); // 1.0f little-endian
        Assert.Equal([0x00, 0x00, 0x20, 0xC0], data[4..8].ToArray()); // -2.5f
        Assert.Equal([0x01, 0x00, 0x00, 0x00], data[16..20].ToArray()); // smallest subnormal
    }

    [Fact]
    public void Round_trips_f32_exactly_and_bf16_to_rounded_values()
    {
        var set = TwoTensors();
        var f32 = SafeTensorsFile.Parse(SafeTensorsWriter.ToBytes(set.Tensors, SafeTensorsDType.F32));
        Assert.Equal(set["b.w"].Values.ToArray(), f32.ReadFloats("b.w"));
        Assert.Equal([1, 3], f32.Find("b.w")!.Shape);
        Assert.Empty(f32.Metadata);

        var bf16Bytes = SafeTensorsWriter.ToBytes(set.Tensors, SafeTensorsDType.BF16);
        var bf16 = SafeTensorsFile.Parse(bf16Bytes);
        Assert.Equal(SafeTensorsDType.BF16, bf16.Find("a")!.DType);
        Assert.Equal([1.0f, -2.5f], bf16.ReadFloats("a"));
        Assert.Contains("\"dtype\":\"BF16\"", Encoding.UTF8.GetString(bf16Bytes), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x3F800000u, (ushort)0x3F80)] // 1.0
    [InlineData(0x3F808000u, (ushort)0x3F80)] // halfway, ties to even (down)
    [InlineData(0x3F818000u, (ushort)0x3F82)] // halfway, ties to even (up)
    [InlineData(0x3F808001u, (ushort)0x3F81)] // above halfway
    [InlineData(0x7F7FFFFFu, (ushort)0x7F80)] // float max rounds to infinity
    [InlineData(0xFF800000u, (ushort)0xFF80)] // -infinity
    public void Bfloat16_rounds_to_nearest_even(uint floatBits, ushort expected)
    {
        Assert.Equal(expected, SafeTensorsDTypes.ToBFloat16(BitConverter.UInt32BitsToSingle(floatBits)));
    }

    [Fact]
    public void Bfloat16_keeps_nan_a_nan()
    {
        Assert.True(float.IsNaN(SafeTensorsDTypes.FromBFloat16(SafeTensorsDTypes.ToBFloat16(float.NaN))));
    }

    private static byte[] File(string json, int dataBytes, ulong? declaredLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    public static TheoryData<string, byte[]> MalformedFiles => new()
    {
        { "shorter than the 8-byte", new byte[5] },
        { "exceeds the limit", File("{}", 0, declaredLength: 2_000_000) },
        { "exceeds the limit", File("{}", 0, declaredLength: ulong.MaxValue) },
        { "too small", File("{}", 0, declaredLength: 1) },
        { "truncated", File("{}", 0, declaredLength: 50) },
        { "start with '{'", File("[1,2]", 0) },
        { "not valid JSON", File("{\"a\":", 0) },
        { "unsupported dtype 'F16'", File("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4) },
        { "need 8", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4) },
        { "gap or an overlap", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8) },
        { "gap or an overlap", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8) },
        { "follow the last tensor", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 6) },
        { "Data section is truncated", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8) },
        { "names 'a' twice", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8) },
        { "not a string", File("{\"__metadata__\":{\"k\":1}}", 0) },
        { "non-negative integer", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4) },
        { "data_offsets has 1 values", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", 4) },
        { "no dtype", File("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4) },
        { "not an object", File("{\"a\":3}", 0) },
    };

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Malformed_files_are_refused_with_a_clear_error(string expectedMessage, byte[] file)
    {
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Parse(file));
        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }
}
