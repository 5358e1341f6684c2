using L402Train.Model.Gpt;
using L402Train.Model.Optim;
using L402Train.Model.Tensors;

namespace L402Train.Model.Training;

/// <summary>
/// The peer's inner loop: AdamW steps on a <see cref="GptModel"/>, and a round helper that returns
/// the pseudo-gradient start − end of K local steps (what SparseLoCo compresses).
/// </summary>
public sealed class LocalTrainer
{
    /// <summary>Trains <paramref name="model"/> with a fresh AdamW.</summary>
    public LocalTrainer(GptModel model, AdamWOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Optimizer = new AdamW(model.Parameters.Layout, options, model.Threads);
    }

    /// <summary>The model being trained.</summary>
    public GptModel Model { get; }

    /// <summary>The inner optimizer (its moments persist across rounds).</summary>
    public AdamW Optimizer { get; }

    /// <summary>Forward, backward and one AdamW update; returns the batch loss before the update.</summary>
    public double Step(TokenBatch batch)
    {
        var loss = Model.ComputeGradients(batch);
        Optimizer.Step(Model.Parameters, Model.Gradients);
        return loss;
    }

    /// <summary>
    /// Runs <paramref name="steps"/> local steps from the current weights, asking
    /// <paramref name="nextBatch"/> for the batch of each step index, and returns start − end.
    /// The model is left at the end weights; call <see cref="GptModel.Restore"/> with a snapshot to undo.
    /// </summary>
    public RoundResult RunRound(int steps, Func<int, TokenBatch> nextBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentNullException.ThrowIfNull(nextBatch);
        var start = Model.Snapshot();
        var losses = new double[steps];
        for (var i = 0; i < steps; i++)
        {
            losses[i] = Step(nextBatch(i));
        }

        return new RoundResult(Model.DeltaFrom(start), losses);
    }
}

/// <summary>What a round of local training produced.</summary>
/// <param name="Delta">Pseudo-gradient: start weights − end weights, same layout as the model.</param>
/// <param name="Losses">Training loss of each local step, before its update.</param>
public sealed record RoundResult(ParameterSet Delta, IReadOnlyList<double> Losses);
