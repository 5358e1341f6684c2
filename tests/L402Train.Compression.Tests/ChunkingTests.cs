namespace L402Train.Compression.Tests;

public sealed class ChunkingTests
{
    [Theory]
    [InlineData(64, 64)]
    [InlineData(768, 64)]
    [InlineData(2304, 64)]
    [InlineData(3072, 64)]
    [InlineData(50304, 64)]
    [InlineData(50257, 29)]
    [InlineData(100, 50)]
    [InlineData(96, 48)]
    [InlineData(1031, 1)]
    [InlineData(1, 1)]
    public void Chunk_side_is_the_largest_divisor_at_most_64(int size, int side) =>
        Assert.Equal(side, ChunkSide.Of(size));

    [Theory]
    [InlineData(64, 8, 8)]
    [InlineData(64, 7, 4)]
    [InlineData(64, 100, 64)]
    [InlineData(100, 16, 10)]
    public void Chunk_side_matches_Templar_unit_test_values(int size, int target, int side) =>
        Assert.Equal(side, ChunkSide.Of(size, target));

    [Theory]
    [InlineData(192, 768)]
    [InlineData(50304, 64)]
    [InlineData(768)]
    [InlineData(29, 100)]
    public void Chunk_view_round_trips_for_random_tensors(params int[] shape)
    {
        var spec = new TensorSpec("t", shape);
        var random = new Random(shape.Sum());
        var tensor = new float[spec.ElementCount];
        for (var i = 0; i < tensor.Length; i++)
        {
            tensor[i] = random.NextSingle();
        }

        var chunks = new float[tensor.Length];
        var back = new float[tensor.Length];
        spec.Layout.ToChunks(tensor, chunks);
        spec.Layout.FromChunks(chunks, back);
        Assert.Equal(tensor, back);
        var layout = spec.Layout;
        Assert.Equal(tensor[layout.OffsetOf(layout.ChunkCount - 1, layout.ChunkLength - 1)], chunks[^1]);
        Assert.Equal(tensor[layout.OffsetOf(1, 1)], chunks[layout.ChunkLength + 1]);
    }

    [Fact]
    public void Element_r_c_lands_in_chunk_r_div_h_c_div_w_at_slot_r_mod_h_times_w_plus_c_mod_w()
    {
        var layout = new TensorSpec("t", 192, 768).Layout;
        Assert.Equal((64, 64, 3, 12, 4096), (layout.ChunkHeight, layout.ChunkWidth, layout.ChunksDown, layout.ChunksAcross, layout.ChunkLength));
        for (var r = 0; r < 192; r += 7)
        {
            for (var c = 0; c < 768; c += 13)
            {
                var chunk = ((r / 64) * 12) + (c / 64);
                var slot = ((r % 64) * 64) + (c % 64);
                Assert.Equal((r * 768) + c, layout.OffsetOf(chunk, slot));
            }
        }
    }

    [Fact]
    public void One_dimensional_tensor_is_viewed_as_n_over_w_chunks_of_w()
    {
        var layout = new TensorSpec("b", 768).Layout;
        Assert.Equal((1, 64, 12, 64), (layout.ChunkHeight, layout.ChunkWidth, layout.ChunkCount, layout.ChunkLength));
        Assert.Equal(5 * 64 + 3, layout.OffsetOf(5, 3));
    }

    [Fact]
    public void Rank_three_and_empty_dimensions_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new TensorSpec("t", 2, 3, 4));
        Assert.Throws<ArgumentException>(() => new TensorSpec("t", 0));
        Assert.Throws<ArgumentException>(() => new TensorManifest([new TensorSpec("a", 4), new TensorSpec("a", 5)]));
    }

    [Fact]
    public void Manifest_fingerprint_changes_with_names_shapes_and_order()
    {
        var a = new TensorManifest([new TensorSpec("w", 4, 8), new TensorSpec("b", 8)]);
        Assert.Equal(a.Fingerprint(), new TensorManifest([new TensorSpec("w", 4, 8), new TensorSpec("b", 8)]).Fingerprint());
        Assert.NotEqual(a.Fingerprint(), new TensorManifest([new TensorSpec("w", 8, 4), new TensorSpec("b", 8)]).Fingerprint());
        Assert.NotEqual(a.Fingerprint(), new TensorManifest([new TensorSpec("b", 8), new TensorSpec("w", 4, 8)]).Fingerprint());
        Assert.NotEqual(a.Fingerprint(), new TensorManifest([new TensorSpec("w", 4, 8), new TensorSpec("c", 8)]).Fingerprint());
    }
}
