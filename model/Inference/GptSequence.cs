using L402Train.Model.Gpt;
using L402Train.Model.Kernels;

namespace L402Train.Model.Inference;

/// <summary>
/// One sequence's key/value cache: the keys and values every layer computed for the positions
/// seen so far, so appending a token runs the model for that one position (cost linear in the
/// prefix for attention, constant for everything else) instead of re-running the whole prefix.
/// Reads the model's live weights; holds its own buffers, so several sequences may decode over one
/// model at once as long as nothing trains it meanwhile.
/// </summary>
public sealed class GptSequence
{
    private readonly GptConfig _config;
    private readonly float[] _p;
    private readonly GptLayout _layout;
    private readonly WorkSplitter _work;
    private readonly float[][] _keys;
    private readonly float[][] _values;
    private readonly float[] _x;
    private readonly float[] _ln;
    private readonly float[] _qkv;
    private readonly float[] _atty;
    private readonly float[] _fc;
    private readonly float[] _fcTanh;
    private readonly float[] _fcGelu;
    private readonly float[] _scores;
    private readonly float[] _logits;
    private readonly float[] _stat = new float[2];

    internal GptSequence(GptModel model, int threads)
    {
        _config = model.Config;
        _p = model.ParameterBuffer;
        _layout = model.Layout;
        _work = new WorkSplitter(threads);
        int c = _config.Channels, t = _config.MaxSequenceLength;
        _keys = new float[_config.Layers][];
        _values = new float[_config.Layers][];
        for (var l = 0; l < _config.Layers; l++)
        {
            _keys[l] = new float[t * c];
            _values[l] = new float[t * c];
        }

        _x = new float[c];
        _ln = new float[c];
        _qkv = new float[3 * c];
        _atty = new float[c];
        _fc = new float[4 * c];
        _fcTanh = new float[4 * c];
        _fcGelu = new float[4 * c];
        _scores = new float[t];
        _logits = new float[_config.VocabSize];
    }

    /// <summary>Positions held in the cache.</summary>
    public int Length { get; private set; }

    /// <summary>The most positions the model can attend over (<see cref="GptConfig.MaxSequenceLength"/>).</summary>
    public int Capacity => _config.MaxSequenceLength;

    /// <summary>Forgets every position.</summary>
    public void Reset() => Length = 0;

    /// <summary>
    /// Runs <paramref name="token"/> at the next position and returns the logits of the token that
    /// follows it (valid until the next call).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The token is outside the vocabulary.</exception>
    /// <exception cref="InvalidOperationException">The cache is full (<see cref="Capacity"/> positions).</exception>
    public ReadOnlySpan<float> Append(int token)
    {
        if ((uint)token >= (uint)_config.VocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(token), $"Token {token} is outside the vocabulary [0, {_config.VocabSize}).");
        }

        if (Length == Capacity)
        {
            throw new InvalidOperationException($"The sequence holds {Capacity} positions, the model's context; reset it or start a shorter one.");
        }

        int c = _config.Channels, pos = Length;
        var tok = _p.AsSpan(_layout.Wte + (token * c), c);
        var wpe = _p.AsSpan(_layout.Wpe + (pos * c), c);
        for (var i = 0; i < c; i++)
        {
            _x[i] = tok[i] + wpe[i];
        }

        for (var l = 0; l < _config.Layers; l++)
        {
            Block(l, pos);
        }

        LayerNorm.Forward(_work, _ln, 0, _stat, 0, _stat, 1, _x, 0, _p, _layout.LnfW, _p, _layout.LnfB, 1, c);
        MatVec.Run(_work, _logits, _p, _layout.Wte, _ln, _config.VocabSize, c, null, 0, accumulate: false);
        Length = pos + 1;
        return _logits;
    }

    private void Block(int l, int pos)
    {
        int c = _config.Channels;
        var o = _layout.Blocks[l];
        LayerNorm.Forward(_work, _ln, 0, _stat, 0, _stat, 1, _x, 0, _p, o.Ln1W, _p, o.Ln1B, 1, c);
        MatVec.Run(_work, _qkv, _p, o.QkvW, _ln, 3 * c, c, _p, o.QkvB, accumulate: false);
        Array.Copy(_qkv, c, _keys[l], pos * c, c);
        Array.Copy(_qkv, 2 * c, _values[l], pos * c, c);
        Attend(l, pos);
        // The residual stream takes the projection (+ bias) in place: x += atty·Wᵀ + b.
        AddBias(o.AttProjB);
        MatVec.Run(_work, _x, _p, o.AttProjW, _atty, c, c, null, 0, accumulate: true);
        LayerNorm.Forward(_work, _ln, 0, _stat, 0, _stat, 1, _x, 0, _p, o.Ln2W, _p, o.Ln2B, 1, c);
        MatVec.Run(_work, _fc, _p, o.FcW, _ln, 4 * c, c, _p, o.FcB, accumulate: false);
        Gelu.Forward(_work, _fcGelu, _fcTanh, _fc, 0, 4 * c, 4 * c);
        AddBias(o.FcProjB);
        MatVec.Run(_work, _x, _p, o.FcProjW, _fcGelu, c, 4 * c, null, 0, accumulate: true);
    }

    private void AddBias(int bias)
    {
        var b = _p.AsSpan(bias, _config.Channels);
        for (var i = 0; i < b.Length; i++)
        {
            _x[i] += b[i];
        }
    }

    /// <summary>Causal attention of the new position's query over the cached keys and values, per head.</summary>
    private void Attend(int l, int pos)
    {
        int c = _config.Channels, hs = _config.HeadSize;
        var scale = 1f / MathF.Sqrt(hs);
        var keys = _keys[l];
        var values = _values[l];
        Array.Clear(_atty);
        for (var h = 0; h < _config.Heads; h++)
        {
            ref var q = ref _qkv[h * hs];
            var max = float.NegativeInfinity;
            for (var t2 = 0; t2 <= pos; t2++)
            {
                var score = Simd.Dot(ref q, ref keys[(t2 * c) + (h * hs)], hs) * scale;
                _scores[t2] = score;
                max = MathF.Max(max, score);
            }

            var sum = 0f;
            for (var t2 = 0; t2 <= pos; t2++)
            {
                var e = MathF.Exp(_scores[t2] - max);
                _scores[t2] = e;
                sum += e;
            }

            var inverse = 1f / sum;
            ref var y = ref _atty[h * hs];
            for (var t2 = 0; t2 <= pos; t2++)
            {
                Simd.AddScaled(ref y, ref values[(t2 * c) + (h * hs)], _scores[t2] * inverse, hs);
            }
        }
    }
}
