namespace L402Train.Model.Optim;

/// <summary>
/// AdamW hyperparameters and the learning-rate schedule: linear warm-up to
/// <see cref="LearningRate"/>, then cosine decay to <see cref="MinLearningRateFraction"/> of it at
/// <see cref="TotalSteps"/> (constant afterwards).
/// </summary>
public sealed record AdamWOptions
{
    /// <summary>Peak learning rate.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>First-moment decay β₁.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Second-moment decay β₂.</summary>
    public float Beta2 { get; init; } = 0.95f;

    /// <summary>Denominator guard ε.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Decoupled weight decay, applied to 2-D tensors (matmul weights and embeddings) only.</summary>
    public float WeightDecay { get; init; } = 0.1f;

    /// <summary>Steps of linear warm-up from 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Step at which the cosine reaches its floor; 0 keeps the rate constant after warm-up.</summary>
    public int TotalSteps { get; init; }

    /// <summary>The cosine floor as a fraction of the peak rate.</summary>
    public float MinLearningRateFraction { get; init; } = 0.1f;

    /// <summary>Global gradient-norm clip; 0 or less disables clipping.</summary>
    public float GradientClipNorm { get; init; } = 1.0f;

    /// <summary>Learning rate at a 0-based step.</summary>
    public float LearningRateAt(long step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps)
        {
            return LearningRate * (step + 1) / WarmupSteps;
        }

        if (TotalSteps <= WarmupSteps)
        {
            return LearningRate;
        }

        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps));
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return (float)(LearningRate * (MinLearningRateFraction + ((1 - MinLearningRateFraction) * cosine)));
    }
}
