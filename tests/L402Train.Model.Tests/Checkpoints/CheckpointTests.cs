using System.Buffers.Binary;
using System.Text;
using L402Train.Model.Checkpoints;
using L402Train.Model.Gpt;
using L402Train.Model.Tensors;

namespace L402Train.Model.Tests.Checkpoints;

public sealed class CheckpointTests
{
    [Fact]
    public void Checkpoint_round_trips_weights_config_and_version_through_a_stream()
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 21);
        using var stream = new MemoryStream();
        Checkpoint.Save(stream, model.Config, model.Parameters, version: 17);
        stream.Position = 0;
        var loaded = Checkpoint.Load(stream, expected: GptConfig.Tiny);
        Assert.Equal(GptConfig.Tiny, loaded.Config);
        Assert.Equal(17, loaded.Version);
        Assert.Equal("tiny", loaded.Metadata["config"]);
        Assert.True(loaded.Parameters.Buffer.AsSpan().SequenceEqual(model.Parameters.Buffer));
        Assert.Equal(GptConfig.Tiny.ParameterCount * 4, stream.Length - 8 - BinaryPrimitives.ReadInt64LittleEndian(stream.GetBuffer()));
    }

    [Fact]
    public void Bf16_checkpoint_is_half_the_size_and_close_to_the_weights()
    {
        var model = GptModel.Create(GptConfig.Tiny, seed: 22);
        var f32 = Checkpoint.ToBytes(model.Config, model.Parameters, 1);
        var bf16 = Checkpoint.ToBytes(model.Config, model.Parameters, 1, SafeTensorsDType.BF16);
        Assert.InRange(bf16.Length, (f32.Length / 2) - 4096, (f32.Length / 2) + 4096);
        var loaded = Checkpoint.Load(bf16, GptConfig.Tiny).Parameters.Buffer;
        for (var i = 0; i < loaded.Length; i++)
        {
            var w = model.Parameters.Buffer[i];
            Assert.True(Math.Abs(loaded[i] - w) <= Math.Abs(w) / 256, $"value {i}: {loaded[i]} vs {w}");
        }
    }

    [Fact]
    public void A_checkpoint_for_another_configuration_is_refused()
    {
        var bytes = Checkpoint.ToBytes(GptConfig.Tiny, GptModel.Create(GptConfig.Tiny, seed: 1).Parameters, 1);
        var error = Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(bytes, GptConfig.Small));
        Assert.Contains("expected 'small'", error.Message, StringComparison.Ordinal);
    }

    private static readonly GptConfig Little = new("little", 64, 64, 1, 64, 2);

    private static byte[] LittleFile(Func<ParameterSet, IReadOnlyList<NamedTensor>> tensors, Dictionary<string, string>? metadata = null)
    {
        var parameters = GptModel.Create(Little, seed: 1).Parameters;
        metadata ??= new Dictionary<string, string>
        {
            ["format"] = Checkpoint.FormatTag, ["config"] = "little", ["vocab_size"] = "64", ["max_seq_len"] = "64",
            ["num_layers"] = "1", ["channels"] = "64", ["num_heads"] = "2", ["checkpoint_version"] = "3",
        };
        return SafeTensorsWriter.ToBytes(tensors(parameters), SafeTensorsDType.F32, metadata);
    }

    [Fact]
    public void A_well_formed_file_written_by_hand_loads()
    {
        var loaded = Checkpoint.Load(LittleFile(p => p.Tensors), Little);
        Assert.Equal(3, loaded.Version);
        Assert.Equal(Little, loaded.Config);
    }

    [Fact]
    public void Missing_extra_or_reshaped_tensors_are_refused()
    {
        var missing = Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(LittleFile(p => [.. p.Tensors.Where(t => t.Name != "wpe")])));
        Assert.Contains("values", missing.Message, StringComparison.Ordinal);

        var renamed = LittleFile(p => [.. p.Tensors.Select(t => t.Name == "wpe" ? Renamed(t, "wpe2") : t)]);
        Assert.Contains("lacks tensor 'wpe'", Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(renamed)).Message, StringComparison.Ordinal);

        var extra = LittleFile(p => [.. p.Tensors, new ParameterSet([new TensorSlot("spare", [0], 0)], []).Tensors[0]]);
        Assert.Contains("unexpected tensor 'spare'", Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(extra)).Message, StringComparison.Ordinal);

        var reshaped = LittleFile(p => [.. p.Tensors.Select(t => t.Name == "wte" ? Reshaped(t, [32, 128]) : t)]);
        Assert.Contains("'wte' has shape [32, 128], expected [64, 64]", Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(reshaped)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("format", "other", "'format'")]
    [InlineData("checkpoint_version", "-1", "checkpoint_version")]
    [InlineData("channels", "0", "'channels'")]
    [InlineData("num_heads", "3", "impossible model")]
    [InlineData("num_layers", "1000000", "values")]
    public void Bad_metadata_is_refused(string key, string value, string expected)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Checkpoint.FormatTag, ["config"] = "little", ["vocab_size"] = "64", ["max_seq_len"] = "64",
            ["num_layers"] = "1", ["channels"] = "64", ["num_heads"] = "2", ["checkpoint_version"] = "3",
        };
        metadata[key] = value;
        var error = Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(LittleFile(p => p.Tensors, metadata)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_metadata_is_refused()
    {
        var bytes = LittleFile(p => p.Tensors, new Dictionary<string, string> { ["format"] = Checkpoint.FormatTag });
        Assert.Contains("lacks 'config'", Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(bytes)).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("__metadata__", Encoding.UTF8.GetString(LittleFile(p => p.Tensors, [])), StringComparison.Ordinal);
    }

    private static NamedTensor Renamed(NamedTensor t, string name) =>
        new ParameterSet([new TensorSlot(name, t.Shape, 0)], t.Values.ToArray()).Tensors[0];

    private static NamedTensor Reshaped(NamedTensor t, int[] shape) =>
        new ParameterSet([new TensorSlot(t.Name, shape, 0)], t.Values.ToArray()).Tensors[0];
}
