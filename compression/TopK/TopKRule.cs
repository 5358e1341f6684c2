namespace L402Train.Compression;

/// <summary>How the per-chunk k is derived from the configured k (per 4,096 elements) and a chunk's length.</summary>
public enum TopKRule
{
    /// <summary>
    /// The SparseLoCo reference (<c>sparseloco.py</c>): keep density constant,
    /// k = max(1, round_half_even(len·k / 4096)), at most len. A 64-wide 1-D chunk sends 1 value.
    /// </summary>
    DensityScaled = 1,

    /// <summary>
    /// Templar (<c>compress.py::_clamp_topk</c>): k = min(k, len), at least 2, rounded down to even;
    /// never more than len (a 1-element chunk sends 1). A 64-wide 1-D chunk is sent whole.
    /// </summary>
    Templar = 2,
}

/// <summary>The k arithmetic of <see cref="TopKRule"/>.</summary>
internal static class ChunkK
{
    public static int K(TopKRule rule, int topK, int chunkLength)
    {
        var k = rule switch
        {
            TopKRule.DensityScaled => Math.Max(1, (int)Math.Round((double)chunkLength * topK / 4096, MidpointRounding.ToEven)),
            TopKRule.Templar => Templar(topK, chunkLength),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown top-k rule."),
        };
        return Math.Min(k, chunkLength);
    }

    private static int Templar(int topK, int chunkLength)
    {
        var k = Math.Max(Math.Min(topK, chunkLength), 2);
        return k - (k % 2);
    }
}
