using L402Train.Model.Randomness;

namespace L402Train.Model.Inference;

/// <summary>
/// Picks the next token from logits: the arg-max at temperature 0, otherwise a draw from the
/// temperature-scaled softmax restricted to the top-p nucleus, with a seeded generator so the
/// same seed gives the same draws on every machine. Ties go to the lower token id.
/// </summary>
internal sealed class TokenSampler(GenerationOptions options, int vocabulary)
{
    private readonly DeterministicRandom _random = new(options.Seed);
    private readonly double[] _probabilities = new double[vocabulary];
    private readonly int[] _order = new int[vocabulary];

    public int Next(ReadOnlySpan<float> logits)
    {
        if (options.Temperature == 0)
        {
            return ArgMax(logits);
        }

        // Softmax in double at the given temperature.
        var max = logits[ArgMax(logits)];
        var sum = 0.0;
        for (var i = 0; i < vocabulary; i++)
        {
            var p = Math.Exp((logits[i] - max) / (double)options.Temperature);
            _probabilities[i] = p;
            sum += p;
        }

        for (var i = 0; i < vocabulary; i++)
        {
            _probabilities[i] /= sum;
            _order[i] = i;
        }

        // Most likely first, ties by id, so the nucleus is well defined.
        var probabilities = _probabilities;
        Array.Sort(_order, (a, b) => probabilities[b].CompareTo(probabilities[a]) is var byP and not 0 ? byP : a.CompareTo(b));
        var kept = 0;
        var mass = 0.0;
        while (kept < vocabulary && (kept == 0 || mass < options.TopP))
        {
            mass += _probabilities[_order[kept]];
            kept++;
        }

        var draw = _random.NextDouble() * mass;
        for (var i = 0; i < kept; i++)
        {
            draw -= _probabilities[_order[i]];
            if (draw < 0)
            {
                return _order[i];
            }
        }

        return _order[kept - 1];
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}
