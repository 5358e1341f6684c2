using System.Globalization;
using L402Train.Model.Gpt;
using L402Train.Model.Tensors;

namespace L402Train.Model.Checkpoints;

/// <summary>A loaded checkpoint: configuration, weights, version and the raw metadata.</summary>
/// <param name="Config">The model configuration recorded in the file.</param>
/// <param name="Parameters">The weights, in the configuration's layout.</param>
/// <param name="Version">The checkpoint version (the training round's output number).</param>
/// <param name="Metadata">All metadata strings.</param>
public sealed record LoadedCheckpoint(GptConfig Config, ParameterSet Parameters, long Version, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Model checkpoints as safetensors: the parameter tensors in layout order, plus metadata with the
/// format tag, configuration (name and every dimension) and checkpoint version. Loading is
/// strict: the configuration must be known and match the expected one if given, and the file must
/// hold exactly the configuration's tensors with their shapes.
/// </summary>
public static class Checkpoint
{
    /// <summary>The <c>format</c> metadata value.</summary>
    public const string FormatTag = "l402train-gpt/1";

    /// <summary>Serialises weights with their configuration and version.</summary>
    public static byte[] ToBytes(GptConfig config, ParameterSet parameters, long version, SafeTensorsDType dtype = SafeTensorsDType.F32)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        var layout = GptModel.LayoutOf(config);
        if (!parameters.HasSameLayout(ParameterSet.Zeros(layout)))
        {
            throw new ArgumentException($"Parameters do not have the layout of configuration '{config.Name}'.", nameof(parameters));
        }

        return SafeTensorsWriter.ToBytes(parameters.Tensors, dtype, Metadata(config, version));
    }

    /// <summary>Writes a checkpoint to a stream.</summary>
    public static void Save(Stream stream, GptConfig config, ParameterSet parameters, long version, SafeTensorsDType dtype = SafeTensorsDType.F32)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToBytes(config, parameters, version, dtype));
    }

    /// <summary>Reads a checkpoint from a stream.</summary>
    /// <param name="stream">The safetensors bytes (read to the end).</param>
    /// <param name="expected">When given, the file's configuration must equal it.</param>
    /// <exception cref="SafeTensorsFormatException">The file is malformed or does not fit.</exception>
    public static LoadedCheckpoint Load(Stream stream, GptConfig? expected = null) => Load(SafeTensorsFile.Read(stream), expected);

    /// <summary>Reads a checkpoint held in memory.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is malformed or does not fit.</exception>
    public static LoadedCheckpoint Load(byte[] bytes, GptConfig? expected = null) => Load(SafeTensorsFile.Parse(bytes), expected);

    private static LoadedCheckpoint Load(SafeTensorsFile file, GptConfig? expected)
    {
        var config = ReadConfig(file.Metadata);
        if (expected is not null && expected != config)
        {
            throw new SafeTensorsFormatException($"Checkpoint is for configuration {Describe(config)}, expected {Describe(expected)}.");
        }

        var version = long.TryParse(Required(file.Metadata, "checkpoint_version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new SafeTensorsFormatException("Metadata 'checkpoint_version' is not a non-negative integer.");
        // Check the size before building the layout, so forged dimensions cannot force a huge allocation.
        var elements = file.Entries.Sum(e => e.ElementCount);
        if (config.ParameterCount != elements)
        {
            throw new SafeTensorsFormatException($"Checkpoint holds {elements} values; configuration {Describe(config)} has {config.ParameterCount}.");
        }

        var parameters = ParameterSet.Zeros(GptModel.LayoutOf(config));
        foreach (var tensor in parameters.Tensors)
        {
            var entry = file.Find(tensor.Name) ?? throw new SafeTensorsFormatException($"Checkpoint lacks tensor '{tensor.Name}'.");
            if (!entry.Shape.SequenceEqual(tensor.Shape))
            {
                throw new SafeTensorsFormatException($"Tensor '{tensor.Name}' has shape [{string.Join(", ", entry.Shape)}], expected {tensor.Spec.ShapeText}.");
            }

            file.CopyTo(entry, tensor.Values.Span);
        }

        if (file.Entries.Count != parameters.Tensors.Count)
        {
            var extra = file.Entries.First(e => !parameters.Layout.Any(s => s.Name == e.Name));
            throw new SafeTensorsFormatException($"Checkpoint has unexpected tensor '{extra.Name}'.");
        }

        return new LoadedCheckpoint(config, parameters, version, file.Metadata);
    }

    private static Dictionary<string, string> Metadata(GptConfig config, long version) => new(StringComparer.Ordinal)
    {
        ["format"] = FormatTag,
        ["config"] = config.Name,
        ["vocab_size"] = Text(config.VocabSize),
        ["max_seq_len"] = Text(config.MaxSequenceLength),
        ["num_layers"] = Text(config.Layers),
        ["channels"] = Text(config.Channels),
        ["num_heads"] = Text(config.Heads),
        ["checkpoint_version"] = version.ToString(CultureInfo.InvariantCulture),
    };

    private static GptConfig ReadConfig(IReadOnlyDictionary<string, string> metadata)
    {
        if (Required(metadata, "format") != FormatTag)
        {
            throw new SafeTensorsFormatException($"Metadata 'format' is '{metadata["format"]}', expected '{FormatTag}'.");
        }

        var config = new GptConfig(
            Required(metadata, "config"), Dimension(metadata, "vocab_size"), Dimension(metadata, "max_seq_len"),
            Dimension(metadata, "num_layers"), Dimension(metadata, "channels"), Dimension(metadata, "num_heads"));
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new SafeTensorsFormatException($"Metadata describes an impossible model: {e.Message}", e);
        }

        return config;
    }

    private static string Required(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) ? value : throw new SafeTensorsFormatException($"Metadata lacks '{key}'.");

    private static int Dimension(IReadOnlyDictionary<string, string> metadata, string key) =>
        int.TryParse(Required(metadata, key), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 1 << 20
            ? value
            : throw new SafeTensorsFormatException($"Metadata '{key}' is not a dimension between 1 and 2^20.");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Describe(GptConfig c) =>
        $"'{c.Name}' (V {c.VocabSize}, T {c.MaxSequenceLength}, L {c.Layers}, C {c.Channels}, NH {c.Heads})";
}
