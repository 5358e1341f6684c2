namespace L402Train.Model.Inference;

/// <summary>How <see cref="GptGenerator"/> picks and stops.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens to generate (the prompt does not count).</summary>
    public int MaxNewTokens { get; init; } = 128;

    /// <summary>Softmax temperature; 0 picks the most likely token every time (greedy).</summary>
    public float Temperature { get; init; }

    /// <summary>Nucleus sampling: draw only from the most likely tokens whose probabilities sum to at least this (1 = all).</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Seed of the sampler: the same seed, prompt and weights give the same tokens.</summary>
    public ulong Seed { get; init; }

    /// <summary>Tokens that end the generation (not emitted); default the tokenizer's end-of-text, 0.</summary>
    public IReadOnlyList<int> StopTokens { get; init; } = [0];

    /// <summary>Decode with the per-sequence KV cache (default) or re-run the whole context per token.</summary>
    public bool UseKvCache { get; init; } = true;

    /// <summary>The first problem, naming the field, or null.</summary>
    public string? Validate()
    {
        if (MaxNewTokens < 1) return "max_new_tokens must be at least 1";
        if (!float.IsFinite(Temperature) || Temperature < 0) return "temperature must be a finite number ≥ 0";
        if (!float.IsFinite(TopP) || TopP <= 0 || TopP > 1) return "top_p must be in (0, 1]";
        return null;
    }
}

/// <summary>Why a generation ended.</summary>
public enum GenerationFinish
{
    /// <summary>The model produced a stop token.</summary>
    Stop,

    /// <summary><see cref="GenerationOptions.MaxNewTokens"/> tokens were generated.</summary>
    Length,
}

/// <summary>A finished generation.</summary>
/// <param name="Tokens">The generated tokens (without the prompt and without the stop token).</param>
/// <param name="Finish">Why it ended.</param>
/// <param name="PromptTokens">Tokens of the prompt the model read.</param>
public sealed record GptCompletion(IReadOnlyList<int> Tokens, GenerationFinish Finish, int PromptTokens);
