using System.Numerics;

namespace L402Train.Model.Gpt;

/// <summary>
/// Forward activations for a batch of N = B·T positions, kept for the backward pass, plus the
/// scratch the backward pass reuses layer by layer. Allocated once per batch shape.
/// </summary>
internal sealed class Activations<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public Activations(GptConfig config, int batch, int seq)
    {
        Batch = batch;
        Seq = seq;
        var n = batch * seq;
        int c = config.Channels, l = config.Layers, v = config.VocabSize;
        Inputs = new int[n];
        Targets = new int[n];
        Encoded = new T[n * c];
        Ln1 = new T[l * n * c];
        Ln1Mean = new T[l * n];
        Ln1Rstd = new T[l * n];
        Qkv = new T[l * n * 3 * c];
        Atty = new T[l * n * c];
        Att = new T[l * batch * config.Heads * seq * seq];
        Residual2 = new T[l * n * c];
        Ln2 = new T[l * n * c];
        Ln2Mean = new T[l * n];
        Ln2Rstd = new T[l * n];
        Fch = new T[l * n * 4 * c];
        FchTanh = new T[l * n * 4 * c];
        FchGelu = new T[l * n * 4 * c];
        Residual3 = new T[l * n * c];
        Lnf = new T[n * c];
        LnfMean = new T[n];
        LnfRstd = new T[n];
        Logits = new T[n * v];
        Losses = new T[n];

        DResidual = new T[n * c];
        DLn = new T[n * c];
        DAtty = new T[n * c];
        DQkv = new T[n * 3 * c];
        DFch = new T[n * 4 * c];
        DFchGelu = new T[n * 4 * c];
        DLogits = new T[n * v];
    }

    public int Batch { get; }

    public int Seq { get; }

    public int[] Inputs { get; }

    public int[] Targets { get; }

    public T[] Encoded { get; }

    public T[] Ln1 { get; }

    public T[] Ln1Mean { get; }

    public T[] Ln1Rstd { get; }

    public T[] Qkv { get; }

    public T[] Atty { get; }

    public T[] Att { get; }

    public T[] Residual2 { get; }

    public T[] Ln2 { get; }

    public T[] Ln2Mean { get; }

    public T[] Ln2Rstd { get; }

    public T[] Fch { get; }

    public T[] FchTanh { get; }

    public T[] FchGelu { get; }

    public T[] Residual3 { get; }

    public T[] Lnf { get; }

    public T[] LnfMean { get; }

    public T[] LnfRstd { get; }

    public T[] Logits { get; }

    public T[] Losses { get; }

    public T[] DResidual { get; }

    public T[] DLn { get; }

    public T[] DAtty { get; }

    public T[] DQkv { get; }

    public T[] DFch { get; }

    public T[] DFchGelu { get; }

    public T[] DLogits { get; }
}
