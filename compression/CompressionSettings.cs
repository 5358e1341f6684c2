namespace L402Train.Compression;

/// <summary>
/// SparseLoCo settings shared by peers and validators. <see cref="TopK"/>, <see cref="Rule"/> and
/// <see cref="Quantize"/> define the wire contents, so both sides must agree on them; the decoder
/// rejects payloads whose per-chunk k or value coding differs. The rest only steer the encoder.
/// </summary>
public sealed record CompressionSettings
{
    /// <summary>The production defaults (k = 64 per 4,096, β = 0.95, 2-bit values, range 6σ).</summary>
    public static CompressionSettings Default { get; } = new();

    /// <summary>Values kept per 4,096-element chunk (1–4,096). Default 64 (1.5625% density).</summary>
    public int TopK { get; init; } = 64;

    /// <summary>How k is derived for chunks shorter than 4,096 elements.</summary>
    public TopKRule Rule { get; init; } = TopKRule.DensityScaled;

    /// <summary>Error-feedback decay β in EF ← β·EF + Δ. Default 0.95.</summary>
    public float ErrorFeedbackDecay { get; init; } = 0.95f;

    /// <summary>Send 2-bit statistically quantized values (true) or raw fp32 values (false).</summary>
    public bool Quantize { get; init; } = true;

    /// <summary>Quantizer range in standard deviations (the reference's 6); the scale is range·σ̂/4.</summary>
    public float QuantizationRange { get; init; } = 6f;

    /// <summary>Threads the encoder and aggregator may use; results do not depend on it. Default: all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Values kept in a chunk of <paramref name="chunkLength"/> elements under these settings.</summary>
    public int KFor(int chunkLength) => ChunkK.K(Rule, TopK, chunkLength);

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        if (TopK is < 1 or > 4096)
        {
            throw new ArgumentException($"TopK must be 1 to 4096, not {TopK}.");
        }

        if (!Enum.IsDefined(Rule))
        {
            throw new ArgumentException($"Unknown top-k rule {Rule}.");
        }

        if (!float.IsFinite(ErrorFeedbackDecay) || ErrorFeedbackDecay is < 0 or > 1)
        {
            throw new ArgumentException($"ErrorFeedbackDecay must be in [0, 1], not {ErrorFeedbackDecay}.");
        }

        if (!float.IsFinite(QuantizationRange) || QuantizationRange <= 0)
        {
            throw new ArgumentException($"QuantizationRange must be positive, not {QuantizationRange}.");
        }

        if (MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentException($"MaxDegreeOfParallelism must be at least 1, not {MaxDegreeOfParallelism}.");
        }
    }
}
