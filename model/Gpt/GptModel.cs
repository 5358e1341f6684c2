using L402Train.Model.Inference;
using L402Train.Model.Tensors;
using L402Train.Model.Training;

namespace L402Train.Model.Gpt;

/// <summary>
/// A GPT-2-style language model trained on the CPU: token and position embeddings, L blocks
/// (LayerNorm, causal multi-head attention, GELU MLP, residuals), final LayerNorm, tied LM head,
/// cross-entropy loss. Parameters are one flat float buffer exposed as named tensors.
/// </summary>
/// <remarks>Not thread-safe: one model serves one caller at a time.</remarks>
public sealed class GptModel
{
    private readonly GptEngine<float> _engine;

    private GptModel(GptConfig config, int threads)
    {
        _engine = new GptEngine<float>(config, threads);
        Parameters = new ParameterSet(_engine.Layout.Specs, _engine.Parameters);
        Gradients = new ParameterSet(_engine.Layout.Specs, _engine.Gradients);
    }

    /// <summary>A freshly initialised model (GPT-2 init); the same seed gives the same weights.</summary>
    /// <param name="config">Dimensions, for example <see cref="GptConfig.Tiny"/>.</param>
    /// <param name="seed">Initialisation seed.</param>
    /// <param name="threads">Worker threads for the kernels (default: all cores). Results do not depend on it.</param>
    public static GptModel Create(GptConfig config, ulong seed, int threads = 0)
    {
        var model = new GptModel(config, threads > 0 ? threads : Environment.ProcessorCount);
        model._engine.Initialize(seed);
        return model;
    }

    /// <summary>A model holding the given weights (copied); the layout must match <paramref name="config"/>.</summary>
    public static GptModel FromParameters(GptConfig config, ParameterSet parameters, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var model = new GptModel(config, threads > 0 ? threads : Environment.ProcessorCount);
        model.Parameters.CopyFrom(parameters);
        return model;
    }

    /// <summary>The names and shapes of a configuration's parameters, in order, without building a model.</summary>
    public static IReadOnlyList<TensorSlot> LayoutOf(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new GptLayout(config).Specs;
    }

    /// <summary>Dimensions.</summary>
    public GptConfig Config => _engine.Config;

    /// <summary>Worker threads used by the kernels.</summary>
    public int Threads => _engine.Threads;

    /// <summary>The live weights (writes change the model).</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Gradients accumulated by <see cref="ComputeGradients"/>.</summary>
    public ParameterSet Gradients { get; }

    /// <summary>Mean cross-entropy (nats per token) of one batch; no gradients.</summary>
    public double Loss(TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return _engine.Forward(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength, forTraining: false);
    }

    /// <summary>
    /// Mean loss over several batches, each batch weighted by its token count; summed in the given
    /// order in double, so the value is bit-identical across runs and thread counts.
    /// </summary>
    public double EvaluateLoss(IEnumerable<TokenBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        double total = 0;
        long tokens = 0;
        foreach (var batch in batches)
        {
            total += Loss(batch) * batch.TokenCount;
            tokens += batch.TokenCount;
        }

        return tokens == 0 ? throw new ArgumentException("No batches to evaluate.", nameof(batches)) : total / tokens;
    }

    /// <summary>Zeroes <see cref="Gradients"/>, then runs forward and backward; returns the batch's mean loss.</summary>
    public double ComputeGradients(TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _engine.ZeroGradients();
        var loss = _engine.Forward(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength, forTraining: true);
        _engine.Backward();
        return loss;
    }

    /// <summary>
    /// A new key/value cache for generating one sequence over these weights (see <see cref="GptSequence"/>).
    /// </summary>
    /// <param name="threads">Threads for its kernels (default: the model's).</param>
    public GptSequence StartSequence(int threads = 0) => new(this, threads > 0 ? threads : Threads);

    /// <summary>
    /// Logits (V values) for the token after <paramref name="context"/>, from a full forward pass
    /// over the whole context: what generation costs without a KV cache. The logits are copied, as
    /// the next pass reuses the buffers.
    /// </summary>
    /// <exception cref="ArgumentException">The context is empty or longer than the model's.</exception>
    public float[] NextTokenLogits(ReadOnlySpan<int> context)
    {
        if (context.IsEmpty || context.Length > Config.MaxSequenceLength)
        {
            throw new ArgumentException($"The context must hold 1 to {Config.MaxSequenceLength} tokens, not {context.Length}.", nameof(context));
        }

        // Targets only feed the loss, which is not used here.
        var targets = new int[context.Length];
        _engine.Forward(context, targets, 1, context.Length, forTraining: false);
        return _engine.LastLogits[^Config.VocabSize..].ToArray();
    }

    /// <summary>The flat weight buffer (what <see cref="Parameters"/> views).</summary>
    internal float[] ParameterBuffer => _engine.Parameters;

    /// <summary>Where each tensor sits in <see cref="ParameterBuffer"/>.</summary>
    internal GptLayout Layout => _engine.Layout;

    /// <summary>A copy of the current weights.</summary>
    public ParameterSet Snapshot() => Parameters.Clone();

    /// <summary>Replaces the weights with a copy of <paramref name="parameters"/>.</summary>
    public void Restore(ParameterSet parameters) => Parameters.CopyFrom(parameters);

    /// <summary>The pseudo-gradient start − current: what local training moved the weights by, negated.</summary>
    public ParameterSet DeltaFrom(ParameterSet start)
    {
        ArgumentNullException.ThrowIfNull(start);
        return start.Subtract(Parameters);
    }

    /// <summary>θ ← θ − learningRate · delta (an outer step with an aggregated pseudo-gradient).</summary>
    public void ApplyDelta(ParameterSet delta, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(delta);
        Parameters.AddScaled(delta, -learningRate);
    }
}
