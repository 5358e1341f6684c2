using L402Train.Compression;
using L402Train.Model.Tensors;

namespace L402Train.Grains.Training;

/// <summary>What one outer step produced.</summary>
/// <param name="Weights">The next checkpoint's weights.</param>
/// <param name="Momentum">The outer momentum after the step; null with plain SGD.</param>
internal sealed record OuterStepResult(ParameterSet Weights, ParameterSet? Momentum);

/// <summary>
/// The coordinator's outer step on an aggregated update: plain SGD θ ← θ − α·Δ̄ (SparseLoCo's
/// reference, the error feedback already acting as momentum), or SGD with (Nesterov) momentum
/// when the schedule asks for it. It runs <see cref="OuterOptimizer"/>, the same element-wise
/// code every replica would run, and carries the momentum buffer from round to round.
/// </summary>
internal sealed class OuterStep
{
    private readonly TensorManifest manifest;
    private readonly OuterStepOptions options;

    /// <summary>The outer step the schedule describes.</summary>
    public OuterStep(TrainingSetup setup, RewardSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(schedule);
        manifest = setup.Manifest;
        options = new OuterStepOptions
        {
            LearningRate = (float)schedule.OuterLearningRate, Momentum = (float)schedule.OuterMomentum, Nesterov = schedule.OuterNesterov,
        };
    }

    /// <summary>True when the step keeps a momentum buffer between rounds.</summary>
    public bool UsesMomentum => options.Momentum > 0;

    /// <summary>
    /// Applies <paramref name="update"/> (one dense array per tensor, start − end) to a copy of
    /// <paramref name="weights"/>, starting from <paramref name="momentum"/> (null: zeros).
    /// Neither input is modified.
    /// </summary>
    public OuterStepResult Apply(ParameterSet weights, ParameterSet? momentum, IReadOnlyList<float[]> update)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(update);
        var layout = weights.Layout;
        var optimizer = new OuterOptimizer(manifest, options);
        if (momentum is not null && optimizer.MomentumBuffers is { } buffers)
            for (var t = 0; t < layout.Count; t++) momentum.Tensors[t].Values.Span.CopyTo(buffers[t]);

        var parameters = layout.Select((slot, t) => weights.Tensors[t].Values.ToArray()).ToList();
        optimizer.Step(parameters, update);

        var next = ParameterSet.Zeros(layout);
        for (var t = 0; t < layout.Count; t++) parameters[t].CopyTo(next.Tensors[t].Values.Span);
        ParameterSet? nextMomentum = null;
        if (optimizer.MomentumBuffers is { } after)
        {
            nextMomentum = ParameterSet.Zeros(layout);
            for (var t = 0; t < layout.Count; t++) after[t].CopyTo(nextMomentum.Tensors[t].Values.Span);
        }
        return new OuterStepResult(next, nextMomentum);
    }
}
