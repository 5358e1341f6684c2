using System.Numerics;
using System.Runtime.CompilerServices;
using L402Train.Model.Kernels;
using L402Train.Model.Randomness;

namespace L402Train.Model.Gpt;

/// <summary>
/// The GPT-2 forward and backward passes over flat parameter and gradient buffers (llm.c's layer
/// list), generic over the number type so the same code trains in float and is gradient-checked
/// in double.
/// </summary>
internal sealed class GptEngine<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly WorkSplitter _work;
    private readonly T[] _transposed;
    private readonly Dictionary<(int Batch, int Seq), Activations<T>> _actsByShape = [];
    private Activations<T>? _acts;
    private bool _gradientReady;

    public GptEngine(GptConfig config, int threads)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Layout = new GptLayout(config);
        Parameters = new T[Layout.Count];
        Gradients = new T[Layout.Count];
        _work = new WorkSplitter(threads);
        _transposed = new T[Math.Max(4 * config.Channels * config.Channels, config.VocabSize * config.Channels)];
    }

    public GptConfig Config { get; }

    public GptLayout Layout { get; }

    public T[] Parameters { get; }

    public T[] Gradients { get; }

    public int Threads => _work.Threads;

    /// <summary>GPT-2 initialisation: N(0, 0.02), residual projections scaled by 1/√(2L), biases 0, LayerNorm weights 1.</summary>
    public void Initialize(ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var projectionScale = 1.0 / Math.Sqrt(2.0 * Config.Layers);
        foreach (var spec in Layout.Specs)
        {
            var values = Parameters.AsSpan(spec.Offset, spec.Length);
            if (spec.Name.Contains("ln_", StringComparison.Ordinal))
            {
                values.Fill(spec.Name.EndsWith(".weight", StringComparison.Ordinal) ? T.One : T.Zero);
            }
            else if (spec.Name.EndsWith(".bias", StringComparison.Ordinal))
            {
                values.Clear();
            }
            else
            {
                var std = spec.Name.EndsWith("c_proj.weight", StringComparison.Ordinal) ? 0.02 * projectionScale : 0.02;
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = T.CreateChecked(random.NextGaussian() * std);
                }
            }
        }
    }

    public void ZeroGradients() => Array.Clear(Gradients);

    /// <summary>
    /// Runs the forward pass and returns the mean cross-entropy. With <paramref name="forTraining"/>
    /// the logits' gradient is prepared for <see cref="Backward"/>.
    /// </summary>
    public double Forward(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int batch, int seq, bool forTraining)
    {
        var acts = Prepare(inputs, targets, batch, seq);
        int n = batch * seq, c = Config.Channels, v = Config.VocabSize, heads = Config.Heads;
        var p = Parameters;
        Embedding.Forward(acts.Encoded, acts.Inputs, p, Layout.Wte, p, Layout.Wpe, batch, seq, c);
        var residual = acts.Encoded;
        var residualOffset = 0;
        for (var l = 0; l < Config.Layers; l++)
        {
            var o = Layout.Blocks[l];
            int off = l * n * c, off3 = l * n * 3 * c, off4 = l * n * 4 * c, offAtt = l * batch * heads * seq * seq;
            LayerNorm.Forward(_work, acts.Ln1, off, acts.Ln1Mean, l * n, acts.Ln1Rstd, l * n, residual, residualOffset, p, o.Ln1W, p, o.Ln1B, n, c);
            Linear(acts.Qkv, off3, acts.Ln1, off, o.QkvW, 3 * c, c, GemmStart.Bias, o.QkvB);
            Attention.Forward(_work, acts.Atty, off, acts.Att, offAtt, acts.Qkv, off3, batch, seq, c, heads);
            AddRowBias(acts.Residual2, off, residual, residualOffset, o.AttProjB, n, c);
            Linear(acts.Residual2, off, acts.Atty, off, o.AttProjW, c, c, GemmStart.Accumulate, 0);
            LayerNorm.Forward(_work, acts.Ln2, off, acts.Ln2Mean, l * n, acts.Ln2Rstd, l * n, acts.Residual2, off, p, o.Ln2W, p, o.Ln2B, n, c);
            Linear(acts.Fch, off4, acts.Ln2, off, o.FcW, 4 * c, c, GemmStart.Bias, o.FcB);
            Gelu.Forward(_work, acts.FchGelu, acts.FchTanh, acts.Fch, off4, n * 4 * c, 4 * c);
            AddRowBias(acts.Residual3, off, acts.Residual2, off, o.FcProjB, n, c);
            Linear(acts.Residual3, off, acts.FchGelu, off4, o.FcProjW, c, 4 * c, GemmStart.Accumulate, 0);
            residual = acts.Residual3;
            residualOffset = off;
        }

        LayerNorm.Forward(_work, acts.Lnf, 0, acts.LnfMean, 0, acts.LnfRstd, 0, residual, residualOffset, p, Layout.LnfW, p, Layout.LnfB, n, c);
        Linear(acts.Logits, 0, acts.Lnf, 0, Layout.Wte, v, c, GemmStart.Zero, 0);
        var scale = T.One / T.CreateChecked(n);
        SoftmaxCrossEntropy.Run(_work, acts.Losses, acts.Logits, acts.Targets, n, v, forTraining ? acts.DLogits : null, scale);
        _gradientReady = forTraining;

        // Fixed-order sum in double: the reported loss is identical for any thread count.
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            total += double.CreateChecked(acts.Losses[i]);
        }

        return total / n;
    }

    /// <summary>Accumulates the gradient of the last training forward pass's mean loss into <see cref="Gradients"/>.</summary>
    public void Backward()
    {
        if (!_gradientReady || _acts is null)
        {
            throw new InvalidOperationException("Backward needs a forward pass run for training first.");
        }

        _gradientReady = false;
        var acts = _acts;
        int batch = acts.Batch, seq = acts.Seq, n = batch * seq, c = Config.Channels, v = Config.VocabSize, heads = Config.Heads;
        T[] p = Parameters, g = Gradients;

        MatMul.Gemm(_work, acts.DLn, 0, c, MatrixView<T>.RowMajor(acts.DLogits, 0, v), p, Layout.Wte, c, n, c, v, GemmStart.Zero);
        MatMul.Gemm(_work, g, Layout.Wte, c, MatrixView<T>.Transposed(acts.DLogits, 0, v), acts.Lnf, 0, c, v, c, n, GemmStart.Accumulate);
        Array.Clear(acts.DResidual);
        var lastOffset = (Config.Layers - 1) * n * c;
        LayerNorm.Backward(_work, acts.DResidual, 0, g, Layout.LnfW, g, Layout.LnfB, acts.DLn, 0, acts.Residual3, lastOffset, p, Layout.LnfW, acts.LnfMean, 0, acts.LnfRstd, 0, n, c);

        for (var l = Config.Layers - 1; l >= 0; l--)
        {
            var o = Layout.Blocks[l];
            int off = l * n * c, off3 = l * n * 3 * c, off4 = l * n * 4 * c, offAtt = l * batch * heads * seq * seq;
            var residualIn = l == 0 ? acts.Encoded : acts.Residual3;
            var residualInOffset = l == 0 ? 0 : (l - 1) * n * c;

            LinearBackward(acts.DFchGelu, acts.DResidual, acts.FchGelu, off4, o.FcProjW, o.FcProjB, c, 4 * c, n);
            Gelu.Backward(_work, acts.DFch, acts.DFchGelu, 0, acts.Fch, acts.FchTanh, off4, n * 4 * c, 4 * c);
            LinearBackward(acts.DLn, acts.DFch, acts.Ln2, off, o.FcW, o.FcB, 4 * c, c, n);
            LayerNorm.Backward(_work, acts.DResidual, 0, g, o.Ln2W, g, o.Ln2B, acts.DLn, 0, acts.Residual2, off, p, o.Ln2W, acts.Ln2Mean, l * n, acts.Ln2Rstd, l * n, n, c);

            LinearBackward(acts.DAtty, acts.DResidual, acts.Atty, off, o.AttProjW, o.AttProjB, c, c, n);
            Array.Clear(acts.DQkv);
            Attention.Backward(_work, acts.DQkv, 0, acts.DAtty, 0, acts.Qkv, off3, acts.Att, offAtt, batch, seq, c, heads);
            LinearBackward(acts.DLn, acts.DQkv, acts.Ln1, off, o.QkvW, o.QkvB, 3 * c, c, n);
            LayerNorm.Backward(_work, acts.DResidual, 0, g, o.Ln1W, g, o.Ln1B, acts.DLn, 0, residualIn, residualInOffset, p, o.Ln1W, acts.Ln1Mean, l * n, acts.Ln1Rstd, l * n, n, c);
        }

        Embedding.Backward(g, Layout.Wte, g, Layout.Wpe, acts.DResidual, acts.Inputs, batch, seq, c);
    }

    /// <summary>Per-position losses of the last forward pass (N = B·T values).</summary>
    public ReadOnlySpan<T> LastLosses => _acts is null ? [] : _acts.Losses.AsSpan(0, _acts.Batch * _acts.Seq);

    /// <summary>Logits of the last forward pass (N × V).</summary>
    public ReadOnlySpan<T> LastLogits => _acts is null ? [] : _acts.Logits.AsSpan(0, _acts.Batch * _acts.Seq * Config.VocabSize);

    private Activations<T> Prepare(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int batch, int seq)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seq, Config.MaxSequenceLength);
        var n = batch * seq;
        if (inputs.Length != n || targets.Length != n)
        {
            throw new ArgumentException($"Expected {n} input and target tokens (B {batch} × T {seq}).");
        }

        // Training and evaluation often alternate between two batch shapes: keep a few sets of
        // buffers instead of reallocating on every switch.
        if (!_actsByShape.TryGetValue((batch, seq), out var acts))
        {
            if (_actsByShape.Count >= 3)
            {
                _actsByShape.Clear();
            }

            acts = new Activations<T>(Config, batch, seq);
            _actsByShape[(batch, seq)] = acts;
        }

        _acts = acts;

        CopyTokens(inputs, _acts.Inputs, nameof(inputs));
        CopyTokens(targets, _acts.Targets, nameof(targets));
        return _acts;
    }

    private void CopyTokens(ReadOnlySpan<int> source, int[] destination, string name)
    {
        for (var i = 0; i < source.Length; i++)
        {
            if ((uint)source[i] >= (uint)Config.VocabSize)
            {
                throw new ArgumentOutOfRangeException(name, $"Token {source[i]} at {i} is outside the vocabulary [0, {Config.VocabSize}).");
            }

            destination[i] = source[i];
        }
    }

    /// <summary>y[N, out] = start + x[N, in]·Wᵀ with W [out, in] (transposed first so the kernel streams rows).</summary>
    private void Linear(T[] y, int yOffset, T[] x, int xOffset, int weight, int outDim, int inDim, GemmStart start, int bias)
    {
        var n = _acts!.Batch * _acts.Seq;
        MatMul.Transpose(_transposed, Parameters, weight, outDim, inDim);
        MatMul.Gemm(_work, y, yOffset, outDim, MatrixView<T>.RowMajor(x, xOffset, inDim), _transposed, 0, outDim, n, outDim, inDim, start, Parameters, bias);
    }

    /// <summary>dx = dy·W (overwrites), dW += dyᵀ·x, dbias += Σ rows of dy.</summary>
    private void LinearBackward(T[] dx, T[] dy, T[] x, int xOffset, int weight, int bias, int outDim, int inDim, int n)
    {
        MatMul.Gemm(_work, dx, 0, inDim, MatrixView<T>.RowMajor(dy, 0, outDim), Parameters, weight, inDim, n, inDim, outDim, GemmStart.Zero);
        MatMul.Gemm(_work, Gradients, weight, inDim, MatrixView<T>.Transposed(dy, 0, outDim), x, xOffset, inDim, outDim, inDim, n, GemmStart.Accumulate);
        MatMul.ColumnSums(_work, Gradients, bias, dy, n, outDim);
    }

    /// <summary>y = x + bias (per row), the start value of a residual sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddRowBias(T[] y, int yOffset, T[] x, int xOffset, int bias, int rows, int columns)
    {
        var b = Parameters.AsSpan(bias, columns);
        for (var r = 0; r < rows; r++)
        {
            var src = x.AsSpan(xOffset + (r * columns), columns);
            var dst = y.AsSpan(yOffset + (r * columns), columns);
            for (var j = 0; j < columns; j++)
            {
                dst[j] = src[j] + b[j];
            }
        }
    }
}
