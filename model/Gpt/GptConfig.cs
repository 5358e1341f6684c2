namespace L402Train.Model.Gpt;

/// <summary>
/// Dimensions of a GPT-2-style model. The named configurations keep every tensor dimension a
/// multiple of 64 so each 2-D tensor splits into whole 64×64 compression chunks.
/// </summary>
/// <param name="Name">Name stored in checkpoints (for example <c>tiny</c>).</param>
/// <param name="VocabSize">Vocabulary size V (256 for the byte-level tokenizer).</param>
/// <param name="MaxSequenceLength">Longest context T; also the number of position embeddings.</param>
/// <param name="Layers">Number of transformer blocks L.</param>
/// <param name="Channels">Embedding width C.</param>
/// <param name="Heads">Attention heads NH; C must be divisible by NH.</param>
public sealed record GptConfig(string Name, int VocabSize, int MaxSequenceLength, int Layers, int Channels, int Heads)
{
    /// <summary>≈0.86M parameters: V 256, T 256, L 4, C 128, NH 4.</summary>
    public static GptConfig Tiny { get; } = new("tiny", 256, 256, 4, 128, 4);

    /// <summary>≈4.9M parameters: V 256, T 256, L 6, C 256, NH 4.</summary>
    public static GptConfig Small { get; } = new("small", 256, 256, 6, 256, 4);

    /// <summary>The names accepted by <see cref="FromName"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small"];

    /// <summary>Looks a configuration up by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static GptConfig FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "tiny" => Tiny,
            "small" => Small,
            _ => throw new ArgumentException($"Unknown model configuration '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>Channels per head, C / NH.</summary>
    public int HeadSize => Channels / Heads;

    /// <summary>N = V·C + T·C + L·(12C² + 13C) + 2C.</summary>
    public long ParameterCount =>
        ((long)VocabSize * Channels) + ((long)MaxSequenceLength * Channels)
        + (Layers * ((12L * Channels * Channels) + (13L * Channels))) + (2L * Channels);

    /// <summary>True when V, T and C are multiples of 64 (whole compression chunks).</summary>
    public bool IsChunkAligned => VocabSize % 64 == 0 && MaxSequenceLength % 64 == 0 && Channels % 64 == 0;

    /// <summary>Throws when the dimensions cannot form a model.</summary>
    /// <exception cref="ArgumentException">A dimension is not positive, or C is not divisible by NH.</exception>
    public void Validate()
    {
        if (VocabSize < 2 || MaxSequenceLength < 1 || Layers < 1 || Channels < 1 || Heads < 1)
        {
            throw new ArgumentException($"Configuration '{Name}' has a non-positive dimension.");
        }

        if (Channels % Heads != 0)
        {
            throw new ArgumentException($"Configuration '{Name}': channels {Channels} are not divisible by heads {Heads}.");
        }
    }
}
