using L402Train.Lightning;

namespace L402Train.Gateway.Inference;

/// <summary>What inference costs and how much of the machine it may use (<c>silo serve --inference-*</c>).</summary>
public sealed record InferenceOptions
{
    /// <summary>The model id <c>GET /v1/models</c> lists and requests must name.</summary>
    public const string ModelId = "l402train-gpt";

    /// <summary>Sats every completion costs (<c>--inference-base-sat</c>, default 1).</summary>
    public long BaseSat { get; init; } = 1;

    /// <summary>Millisats per requested <c>max_tokens</c> (<c>--inference-msat-per-token</c>, default 100: 0.1 sat a byte).</summary>
    public long MsatPerToken { get; init; } = 100;

    /// <summary>The largest <c>max_tokens</c> a request may ask for (<c>--inference-max-tokens</c>, default 1024).</summary>
    public int MaxTokens { get; init; } = 1024;

    /// <summary><c>max_tokens</c> of a request that names none.</summary>
    public int DefaultMaxTokens { get; init; } = 128;

    /// <summary>Completions generated at once (<c>--inference-concurrency</c>, default half the cores, at least 1); more wait or are refused.</summary>
    public int Concurrency { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>How long a paid request waits for a generation slot before a 503 (its token stays unused).</summary>
    public TimeSpan SlotWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest prompt accepted, in bytes.</summary>
    public int MaxPromptBytes { get; init; } = 64 * 1024;

    /// <summary>The price of a completion of at most <paramref name="maxTokens"/> tokens: base + ⌈max_tokens × msat ÷ 1000⌉ sats.</summary>
    public Sats Price(int maxTokens) => new(BaseSat + (((maxTokens * MsatPerToken) + 999) / 1000));

    /// <summary>The first wrong setting, naming it, or null.</summary>
    public (string Setting, string Problem)? Validate()
    {
        if (BaseSat is < 0 or > 1_000_000) return ("inference-base-sat", "a whole number of sats from 0 to 1000000");
        if (MsatPerToken is < 0 or > 1_000_000_000) return ("inference-msat-per-token", "a whole number of millisats from 0 to 1000000000");
        if (MaxTokens is < 1 or > 1_000_000) return ("inference-max-tokens", "a whole number from 1 to 1000000");
        if (Concurrency is < 1 or > 1024) return ("inference-concurrency", "a whole number from 1 to 1024");
        if (Price(1).Value < 1) return ("inference-base-sat", "a completion must cost at least 1 sat: raise --inference-base-sat or --inference-msat-per-token");
        return null;
    }
}
