namespace L402Train.Compression;

/// <summary>The outer optimizer: SGD on the aggregated update, optionally with (Nesterov) momentum.</summary>
public sealed record OuterStepOptions
{
    /// <summary>Outer learning rate α (Templar v2.1.3: 1.0; the 2026 fork: 0.4).</summary>
    public float LearningRate { get; init; } = 1f;

    /// <summary>Momentum μ; 0 (the reference) means plain SGD, the EF buffer already acting as momentum.</summary>
    public float Momentum { get; init; }

    /// <summary>Use Nesterov momentum (torch.optim.SGD semantics) when <see cref="Momentum"/> &gt; 0.</summary>
    public bool Nesterov { get; init; }
}
