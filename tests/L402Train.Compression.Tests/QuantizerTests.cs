namespace L402Train.Compression.Tests;

public sealed class QuantizerTests
{
    [Fact]
    public void Four_values_quantize_as_the_reference_computes()
    {
        var codes = new byte[4];
        var table = StatisticalQuantizer.Quantize([1f, 2f, 3f, 4f], codes);
        Assert.Equal(2.5f, table.Shift);
        Assert.Equal([1, 2, 2, 3], codes.Select(c => (int)c));
        Assert.Equal([0f, -1.5f, 0f, 1.5f], table.Lookup.ToArray());
        Assert.Equal([1.0f, 2.5f, 2.5f, 4.0f], codes.Select(c => table.Dequantized[c]));
    }

    [Fact]
    public void Mixed_signs_quantize_as_the_reference_computes()
    {
        var codes = new byte[8];
        var table = StatisticalQuantizer.Quantize([-3f, -2f, -1.5f, 1f, 2f, 2.5f, 4f, -0.1f], codes);
        Assert.Equal(0.3625f, table.Shift, 6);
        Assert.Equal([1, 1, 1, 2, 2, 3, 3, 2], codes.Select(c => (int)c));
        float[] expected = [-2.166667f, -2.166667f, -2.166667f, 0.966667f, 0.966667f, 3.25f, 3.25f, 0.966667f];
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(expected[i], table.Dequantized[codes[i]], 5);
        }
    }

    [Fact]
    public void Constant_values_fall_back_to_scale_one_and_dequantize_exactly()
    {
        var codes = new byte[5];
        var table = StatisticalQuantizer.Quantize([0.7f, 0.7f, 0.7f, 0.7f, 0.7f], codes);
        Assert.All(codes, c => Assert.Equal(2, c));
        Assert.Equal(0.7f, table.Dequantized[2]);
    }

    [Fact]
    public void Single_value_and_empty_input_do_not_fail()
    {
        var codes = new byte[1];
        var table = StatisticalQuantizer.Quantize([-5f], codes);
        Assert.Equal(-5f, table.Dequantized[codes[0]]);
        Assert.True(StatisticalQuantizer.Quantize([], []).IsFinite);
    }

    [Fact]
    public void Non_finite_values_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => StatisticalQuantizer.Quantize([1f, float.NaN], new byte[2]));
        Assert.Throws<ArgumentException>(() => StatisticalQuantizer.Quantize([1f, float.PositiveInfinity], new byte[2]));
    }
}
