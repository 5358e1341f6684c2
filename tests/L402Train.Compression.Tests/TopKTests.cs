using FsCheck;
using FsCheck.Fluent;

namespace L402Train.Compression.Tests;

public sealed class TopKTests
{
    [Theory]
    [InlineData(4096, 64)]
    [InlineData(64, 1)]
    [InlineData(29 * 64, 29)]
    [InlineData(1, 1)]
    [InlineData(50, 1)]
    public void Density_scaled_k_follows_the_SparseLoCo_reference(int chunkLength, int k) =>
        Assert.Equal(k, new CompressionSettings { Rule = TopKRule.DensityScaled }.KFor(chunkLength));

    [Theory]
    [InlineData(4096, 64)]
    [InlineData(64, 64)]
    [InlineData(29 * 64, 64)]
    [InlineData(33, 32)]
    [InlineData(3, 2)]
    [InlineData(1, 1)]
    public void Templar_k_is_even_at_least_two_and_at_most_the_chunk(int chunkLength, int k) =>
        Assert.Equal(k, new CompressionSettings { Rule = TopKRule.Templar }.KFor(chunkLength));

    [Fact]
    public void Density_scaled_rounding_is_half_to_even()
    {
        // 32·64/4096 = 0.5 → max(1, 0) = 1; 96·64/4096 = 1.5 → 2; 160·64/4096 = 2.5 → 2.
        var settings = new CompressionSettings();
        Assert.Equal((1, 2, 2), (settings.KFor(32), settings.KFor(96), settings.KFor(160)));
    }

    [Fact]
    public void Selected_set_is_the_k_largest_magnitudes_with_signs_kept()
    {
        var random = new Random(7);
        var values = new float[4096];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var selected = new ushort[64];
        new ChunkTopK().Select(values, 64, selected);
        var expected = Enumerable.Range(0, 4096).OrderByDescending(i => Math.Abs(values[i])).Take(64).Order().Select(i => (ushort)i);
        Assert.Equal(expected, selected);
        Assert.Contains(selected, s => values[s] < 0);
    }

    [Fact]
    public void Ties_go_to_the_lower_slot()
    {
        var values = new float[4096];
        values[4000] = 5;
        for (var i = 100; i < 200; i++)
        {
            values[i] = (i % 2 == 0) ? 1 : -1;
        }

        var selected = new ushort[10];
        new ChunkTopK().Select(values, 10, selected);
        Assert.Equal([100, 101, 102, 103, 104, 105, 106, 107, 108, 4000], selected.Select(s => (int)s));
    }

    [Fact]
    public void All_zero_chunk_selects_the_first_k_slots()
    {
        var selected = new ushort[3];
        new ChunkTopK().Select(new float[50], 3, selected);
        Assert.Equal([0, 1, 2], selected.Select(s => (int)s));
    }

    [Fact]
    public void Selection_equals_a_full_sort_for_random_chunks_scales_and_ties()
    {
        var selector = new ChunkTopK();
        var gen =
            from length in Gen.Choose(1, 4096)
            from kSeed in Gen.Choose(1, 4096)
            from seed in Gen.Choose(0, int.MaxValue)
            from levels in Gen.Elements(0, 3, 50, 1_000_000)
            from exponent in Gen.Choose(-30, 30)
            select (length, k: 1 + (kSeed % length), seed, levels, exponent);
        Prop.ForAll(Arb.From(gen), c =>
        {
            var random = new Random(c.seed);
            var values = new float[c.length];
            var scale = MathF.Pow(2, c.exponent);
            for (var i = 0; i < values.Length; i++)
            {
                // levels > 0 draws from few distinct magnitudes to force ties.
                values[i] = c.levels == 0 ? scale * (float)((random.NextDouble() * 2) - 1) : scale * random.Next(-c.levels, c.levels + 1);
            }

            var selected = new ushort[c.k];
            selector.Select(values, c.k, selected);
            var expected = Enumerable.Range(0, c.length)
                .OrderByDescending(i => Math.Abs(values[i])).ThenBy(i => i).Take(c.k).Order().Select(i => (ushort)i);
            return expected.SequenceEqual(selected);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Count_at_least_agrees_with_a_scalar_count_around_the_sign_bit()
    {
        int[] keys = [0, 1, 5, int.MaxValue, -1, int.MinValue, 0x7F80_0000, 0x7FC0_0000, 3, 3, 3, 3, 3, 3, 3, 3, 3, 9, 10];
        foreach (var threshold in new uint[] { 0, 1, 3, 4, 0x7F80_0000, 0x7FFF_FFFF, 0x8000_0000 })
        {
            Assert.Equal(keys.Count(k => (uint)(k & 0x7FFF_FFFF) >= threshold), ChunkTopK.CountAtLeast(keys, threshold, masked: true));
        }
    }

    [Fact]
    public void A_far_off_scale_hint_still_selects_exactly()
    {
        var selector = new ChunkTopK();
        var random = new Random(11);
        var values = Enumerable.Range(0, 4096).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var expected = Enumerable.Range(0, 4096).OrderByDescending(i => Math.Abs(values[i])).ThenBy(i => i).Take(64).Order().Select(i => (ushort)i).ToArray();
        var selected = new ushort[64];
        foreach (var rms in new[] { 0.29f, 1e-20f, 1e20f, 0.29f, 3f })
        {
            selector.Select(values, 64, selected, rms);
            Assert.Equal(expected, selected);
        }
    }
}
