using L402Train.Model.Randomness;
using L402Train.Model.Training;

namespace L402Train.Model.Corpus;

/// <summary>
/// Draws batches of B windows of T+1 consecutive tokens from a token stream. Each window's start
/// is a pure function of (seed, round, index, row), so a validator and a peer that agree on those
/// numbers read the very same batch, on any machine.
/// </summary>
public sealed class BatchSampler
{
    /// <summary>Samples B × T batches from <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">The stream is shorter than one window of T+1 tokens.</exception>
    public BatchSampler(TokenStream stream, int batchSize, int sequenceLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        if (stream.Length < sequenceLength + 1)
        {
            throw new ArgumentException($"The token stream ({stream.Length} tokens) is shorter than one window of {sequenceLength + 1}.", nameof(stream));
        }

        Stream = stream;
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
    }

    /// <summary>The tokens sampled from.</summary>
    public TokenStream Stream { get; }

    /// <summary>Rows per batch B.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per row T.</summary>
    public int SequenceLength { get; }

    /// <summary>A new batch for (seed, round, index).</summary>
    public TokenBatch Sample(ulong seed, long round, int index)
    {
        var batch = new TokenBatch(BatchSize, SequenceLength);
        Fill(batch, seed, round, index);
        return batch;
    }

    /// <summary>Fills an existing batch (no allocation) for (seed, round, index).</summary>
    public void Fill(TokenBatch batch, ulong seed, long round, int index)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.BatchSize != BatchSize || batch.SequenceLength != SequenceLength)
        {
            throw new ArgumentException("Batch shape differs from the sampler's.", nameof(batch));
        }

        var starts = Stream.Length - SequenceLength;
        for (var row = 0; row < BatchSize; row++)
        {
            var start = DeterministicRandom.FirstInt(DeterministicRandom.Mix(seed, (ulong)round, (ulong)index, (ulong)row), starts);
            batch.SetRow(row, Stream.Tokens.AsSpan(start, SequenceLength + 1));
        }
    }

    /// <summary>The first <paramref name="count"/> batches of a round: a fixed evaluation set.</summary>
    public IReadOnlyList<TokenBatch> Batches(ulong seed, long round, int count)
    {
        var batches = new TokenBatch[count];
        for (var i = 0; i < count; i++)
        {
            batches[i] = Sample(seed, round, i);
        }

        return batches;
    }
}
