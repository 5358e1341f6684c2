using FsCheck;
using FsCheck.Fluent;

namespace L402Train.Compression.Tests;

public sealed class IndexCodingTests
{
    [Theory]
    [InlineData(1, 4095, "01F0FF")]
    [InlineData(0xABC, 0x123, "BC3A12")]
    [InlineData(300, 17, "2C1101")]
    [InlineData(4095, 4095, "FFFFFF")]
    public void Twelve_bit_packing_is_byte_exact_with_the_reference(int a, int b, string hex)
    {
        var packed = new byte[3];
        TwelveBitIndices.Pack([(ushort)a, (ushort)b], packed);
        Assert.Equal(hex, Convert.ToHexString(packed));
        var unpacked = new ushort[2];
        TwelveBitIndices.Unpack(packed, unpacked);
        Assert.Equal([(ushort)a, (ushort)b], unpacked);
    }

    [Fact]
    public void Twelve_bit_packing_rejects_odd_counts_and_indices_past_4095()
    {
        Assert.Throws<ArgumentException>(() => TwelveBitIndices.Pack([1, 2, 3], new byte[6]));
        Assert.Throws<ArgumentException>(() => TwelveBitIndices.Pack([1, 4096], new byte[3]));
        Assert.Throws<ArgumentException>(() => TwelveBitIndices.Unpack(new byte[4], new ushort[2]));
    }

    [Fact]
    public void Odd_tail_takes_two_bytes_with_a_zero_high_nibble()
    {
        ushort[] indices = [1, 4095, 0xABC];
        var packed = new byte[TwelveBitIndices.PackedLength(3)];
        TwelveBitIndices.Write(indices, packed);
        Assert.Equal("01F0FFBC0A", Convert.ToHexString(packed));
        var back = new ushort[3];
        Assert.True(TwelveBitIndices.Read(packed, back));
        Assert.Equal(indices, back);
        packed[^1] |= 0x10;
        Assert.False(TwelveBitIndices.Read(packed, back));
    }

    [Fact]
    public void Rice_codes_round_trip_sorted_chunks_at_every_parameter()
    {
        var gen =
            from chunkLength in Gen.Choose(1, 4096)
            from kSeed in Gen.Choose(1, 4096)
            from chunks in Gen.Choose(1, 5)
            from seed in Gen.Choose(0, int.MaxValue)
            select (chunkLength, k: 1 + (kSeed % Math.Min(chunkLength, 300)), chunks, seed);
        Prop.ForAll(Arb.From(gen), c =>
        {
            var random = new Random(c.seed);
            var indices = Enumerable.Range(0, c.chunks)
                .SelectMany(_ => Enumerable.Range(0, c.chunkLength).OrderBy(_ => random.Next()).Take(c.k).Order().Select(i => (ushort)i))
                .ToArray();
            for (var b = 0; b <= RiceGapCoder.MaxParameter; b++)
            {
                var bits = RiceGapCoder.BitCount(indices, c.k, b);
                var bytes = new byte[((bits + 7) / 8) + 8];
                var written = RiceGapCoder.Encode(indices, c.k, b, bytes);
                var back = new ushort[indices.Length];
                if (written != (bits + 7) / 8
                    || RiceGapCoder.Decode(bytes.AsSpan(0, written), c.k, b, c.chunkLength, back) is not null
                    || !back.AsSpan().SequenceEqual(indices))
                {
                    return false;
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void Rice_parameter_choice_is_the_cheapest_of_all_parameters()
    {
        var random = new Random(3);
        var indices = Enumerable.Range(0, 20)
            .SelectMany(_ => Enumerable.Range(0, 4096).OrderBy(_ => random.Next()).Take(64).Order().Select(i => (ushort)i))
            .ToArray();
        var chosen = RiceGapCoder.ChooseParameter(indices, 64);
        var best = Enumerable.Range(0, 12).MinBy(b => RiceGapCoder.BitCount(indices, 64, b));
        Assert.Equal(best, chosen);
        Assert.Equal(5, chosen); // geometric gaps of mean 63: b = 5 beats log2(64) = 6
    }

    [Fact]
    public void Rice_decoder_reports_out_of_range_leftover_and_padding()
    {
        var bytes = new byte[16];
        var written = RiceGapCoder.Encode([3, 9], 2, 2, bytes);
        var back = new ushort[2];
        Assert.Null(RiceGapCoder.Decode(bytes.AsSpan(0, written), 2, 2, 10, back));
        Assert.Contains("out of range", RiceGapCoder.Decode(bytes.AsSpan(0, written), 2, 2, 9, back));
        Assert.Contains("padding byte", RiceGapCoder.Decode(bytes.AsSpan(0, written + 2), 2, 2, 10, back));
        Assert.Contains("left over", RiceGapCoder.Decode(bytes.AsSpan(0, written + 12), 2, 2, 10, back));
        Assert.Contains("ends inside", RiceGapCoder.Decode(bytes.AsSpan(0, written - 1), 2, 2, 10, back));
        bytes[written - 1] |= 0x80;
        Assert.NotNull(RiceGapCoder.Decode(bytes.AsSpan(0, written), 2, 2, 10, back));
    }
}
