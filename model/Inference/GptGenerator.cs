using System.Runtime.CompilerServices;
using L402Train.Model.Gpt;

namespace L402Train.Model.Inference;

/// <summary>
/// Generates tokens from a prompt with a <see cref="GptModel"/>: greedy or temperature/top-p
/// sampling from a seeded generator, stop tokens and a token limit, streamed one token at a time.
/// With the KV cache (default) each new token runs the model for one position; without it, every
/// token re-runs the whole context, which is only there to check and to measure the cache.
/// When the context fills (<see cref="GptConfig.MaxSequenceLength"/>), the oldest half is dropped
/// and the rest re-read, the same way on both paths.
/// </summary>
/// <remarks>
/// The KV-cached path reads the weights and owns its buffers, so several generations may share a
/// model; the uncached path runs the model's own forward pass and must not overlap with anything
/// else using the model. Nothing may train the model during a generation.
/// </remarks>
public sealed class GptGenerator
{
    private readonly GptModel _model;
    private readonly int _threads;

    /// <summary>A generator over <paramref name="model"/>'s live weights.</summary>
    /// <param name="model">The model.</param>
    /// <param name="threads">Kernel threads per sequence (default: the model's).</param>
    public GptGenerator(GptModel model, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _threads = threads > 0 ? threads : model.Threads;
    }

    /// <summary>
    /// The generated tokens, lazily: each is computed when the enumerator asks for it, so a caller
    /// can stream them. Ends at a stop token (not yielded) or after <see cref="GenerationOptions.MaxNewTokens"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The prompt is empty or holds a token outside the vocabulary, or an option is out of range.</exception>
    public IEnumerable<int> Generate(IReadOnlyList<int> prompt, GenerationOptions options)
    {
        Check(prompt, options);
        return Run(prompt, options, null);
    }

    /// <summary>As <see cref="Generate"/>, each token computed off the caller's thread; stops when cancelled.</summary>
    public async IAsyncEnumerable<int> GenerateAsync(IReadOnlyList<int> prompt, GenerationOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Check(prompt, options);
        using var tokens = Run(prompt, options, null).GetEnumerator();
        while (await Task.Run(tokens.MoveNext, cancellationToken).ConfigureAwait(false))
        {
            yield return tokens.Current;
        }
    }

    /// <summary>Generates to the end and says why it stopped.</summary>
    public GptCompletion Complete(IReadOnlyList<int> prompt, GenerationOptions options)
    {
        Check(prompt, options);
        var finish = new GenerationFinish[1];
        var tokens = Run(prompt, options, finish).ToArray();
        return new GptCompletion(tokens, finish[0], prompt.Count);
    }

    private void Check(IReadOnlyList<int> prompt, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));
        if (prompt.Count == 0) throw new ArgumentException("The prompt needs at least one token.", nameof(prompt));
        var vocabulary = _model.Config.VocabSize;
        for (var i = 0; i < prompt.Count; i++)
        {
            if ((uint)prompt[i] >= (uint)vocabulary)
            {
                throw new ArgumentException($"Prompt token {prompt[i]} at {i} is outside the vocabulary [0, {vocabulary}).", nameof(prompt));
            }
        }
    }

    private IEnumerable<int> Run(IReadOnlyList<int> prompt, GenerationOptions options, GenerationFinish[]? finish)
    {
        var window = new Context(_model, options.UseKvCache ? _model.StartSequence(_threads) : null);
        // A prompt longer than the context keeps its end, which is what the next token depends on.
        var first = Math.Max(0, prompt.Count - _model.Config.MaxSequenceLength);
        for (var i = first; i < prompt.Count; i++)
        {
            window.Feed(prompt[i]);
        }

        var sampler = new TokenSampler(options, _model.Config.VocabSize);
        for (var n = 0; n < options.MaxNewTokens; n++)
        {
            var next = sampler.Next(window.Last);
            if (options.StopTokens.Contains(next))
            {
                if (finish is not null) finish[0] = GenerationFinish.Stop;
                yield break;
            }

            yield return next;
            if (n + 1 < options.MaxNewTokens)
            {
                window.Feed(next);
            }
        }

        if (finish is not null) finish[0] = GenerationFinish.Length;
    }

    /// <summary>The tokens the model currently sees, and the logits after the last of them.</summary>
    private sealed class Context(GptModel model, GptSequence? cache)
    {
        private readonly List<int> _tokens = [];
        private float[] _last = [];

        public float[] Last => _last;

        public void Feed(int token)
        {
            var capacity = model.Config.MaxSequenceLength;
            if (_tokens.Count == capacity)
            {
                // Context shift: keep the newest half and re-read it, then carry on.
                _tokens.RemoveRange(0, capacity - (capacity / 2));
                if (cache is not null)
                {
                    cache.Reset();
                    foreach (var kept in _tokens) cache.Append(kept);
                }
            }

            _tokens.Add(token);
            _last = cache is not null
                ? cache.Append(token).ToArray()
                : model.NextTokenLogits(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_tokens));
        }
    }
}
