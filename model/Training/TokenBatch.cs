namespace L402Train.Model.Training;

/// <summary>B sequences of T tokens and their next-token targets (inputs shifted by one), row-major.</summary>
public sealed class TokenBatch
{
    /// <summary>Creates an empty batch of the given shape.</summary>
    public TokenBatch(int batchSize, int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        Inputs = new int[batchSize * sequenceLength];
        Targets = new int[batchSize * sequenceLength];
    }

    /// <summary>Number of sequences B.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per sequence T.</summary>
    public int SequenceLength { get; }

    /// <summary>Input tokens, B·T values.</summary>
    public int[] Inputs { get; }

    /// <summary>Target tokens, B·T values: the token after each input.</summary>
    public int[] Targets { get; }

    /// <summary>Number of positions B·T.</summary>
    public int TokenCount => Inputs.Length;

    /// <summary>Fills row <paramref name="row"/> from T+1 consecutive tokens.</summary>
    public void SetRow(int row, ReadOnlySpan<int> window)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)BatchSize, nameof(row));
        if (window.Length != SequenceLength + 1)
        {
            throw new ArgumentException($"A row needs {SequenceLength + 1} tokens, got {window.Length}.", nameof(window));
        }

        window[..SequenceLength].CopyTo(Inputs.AsSpan(row * SequenceLength, SequenceLength));
        window[1..].CopyTo(Targets.AsSpan(row * SequenceLength, SequenceLength));
    }
}
