using L402Train.Compression;
using L402Train.Model.Gpt;
using L402Train.Model.Tensors;

namespace L402Train.Grains.Training;

/// <summary>
/// Gauntlet-style validation of one submission, cheapest first: screening without compute
/// (stale, oversize, malformed, non-finite, duplicate, copycat by shared positions or by value similarity), then the score on the round's
/// held-out batches and the significance gate. Pure decisions over inputs the job gathers.
/// </summary>
public sealed class SubmissionValidator
{
    private readonly SparseLoCoDecoder decoder;
    private readonly RewardSchedule schedule;

    /// <summary>Creates a validator for one setup and schedule.</summary>
    public SubmissionValidator(TrainingSetup setup, RewardSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(schedule);
        this.schedule = schedule;
        Setup = setup;
        decoder = new SparseLoCoDecoder(setup.Manifest, setup.Compression, new DecoderLimits { MaxPayloadBytes = schedule.MaxPayloadBytes });
    }

    /// <summary>The setup payloads are decoded against.</summary>
    public TrainingSetup Setup { get; }

    /// <summary>Decodes strictly; null with the decoder's message when the payload is malformed.</summary>
    public DecodedPayload? TryDecode(ReadOnlyMemory<byte> payload, out string? error)
    {
        try
        {
            error = null;
            return decoder.Decode(payload);
        }
        catch (CompressedFormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Screens a submission; returns a rejection, or null with the decoded payload when it passes.
    /// <paramref name="earlier"/> yields the decoded payloads of the round's earlier submissions
    /// (arrival order), for copycat detection.
    /// </summary>
    public SubmissionVerdict? Screen(NewSubmission submission, RoundAdmission admission, ReadOnlyMemory<byte> payload,
        IEnumerable<(string Id, DecodedPayload Payload)> earlier, out DecodedPayload? decoded)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(earlier);
        decoded = null;
        if (!admission.Open)
            return SubmissionVerdict.Rejected(VerdictReason.Stale, $"round {submission.Round} no longer accepts gradients; sync from /status and train on the current checkpoint");
        if (submission.BaseVersion != admission.BaseVersion)
            return SubmissionVerdict.Rejected(VerdictReason.Stale, $"trained on checkpoint version {submission.BaseVersion}, but round {submission.Round} is built on version {admission.BaseVersion}");
        if (payload.Length > schedule.MaxPayloadBytes)
            return SubmissionVerdict.Rejected(VerdictReason.Oversize, $"payload is {payload.Length} bytes; the limit is {schedule.MaxPayloadBytes}");
        if (admission.DuplicateOf is { } original)
            return SubmissionVerdict.Rejected(VerdictReason.Duplicate, $"byte-identical to earlier submission {original}");

        decoded = TryDecode(payload, out var error);
        if (decoded is null)
            return SubmissionVerdict.Rejected(VerdictReason.Malformed, $"payload rejected by the decoder: {error}");
        if (decoded.Metadata.BaseVersion is { } declared && declared != submission.BaseVersion)
            return SubmissionVerdict.Rejected(VerdictReason.Malformed, $"payload says base version {declared} but the request said {submission.BaseVersion}");
        foreach (var tensor in decoded.Submission.Tensors)
        {
            if (!double.IsFinite(tensor.Norm()))
                return SubmissionVerdict.Rejected(VerdictReason.Malformed, $"tensor {tensor.Spec.Name} holds non-finite values");
        }
        foreach (var (id, other) in earlier)
        {
            var overlap = decoded.Submission.IndexOverlap(other.Submission);
            if (overlap >= schedule.CopycatOverlap)
                return SubmissionVerdict.Rejected(VerdictReason.Copycat, $"top-k indices overlap {overlap:P1} with earlier submission {id} (threshold {schedule.CopycatOverlap:P0})");
            // A copy of the original's largest entries shares few positions but most of its energy.
            var similarity = decoded.Submission.ValueSimilarity(other.Submission);
            if (similarity >= schedule.CopycatSimilarity)
                return SubmissionVerdict.Rejected(VerdictReason.Copycat, $"values have cosine similarity {similarity:0.000} with earlier submission {id} (threshold {schedule.CopycatSimilarity})");
        }
        return null;
    }

    /// <summary>Per-batch losses of the model as it stands.</summary>
    public static double[] Losses(GptModel model, IReadOnlyList<Model.Training.TokenBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        var losses = new double[batches.Count];
        for (var i = 0; i < batches.Count; i++) losses[i] = model.Loss(batches[i]);
        return losses;
    }

    /// <summary>
    /// Scores one peer's update alone: applies it at the trial learning rate to the base weights,
    /// measures the held-out losses, restores the weights, and judges significance against the
    /// round's τ (<paramref name="threshold"/>; null: the schedule's fixed one).
    /// </summary>
    public SubmissionVerdict Score(GptModel model, ParameterSet baseWeights, DecodedPayload decoded,
        IReadOnlyList<Model.Training.TokenBatch> batches, double[] before, RoundThreshold? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(baseWeights);
        ArgumentNullException.ThrowIfNull(decoded);
        // θ − lr·Δ touching only the k coordinates per chunk the peer sent: no dense copy of the update.
        model.Restore(baseWeights);
        var layout = model.Parameters.Layout;
        var trialRate = -(float)schedule.TrialLearningRate;
        for (var t = 0; t < layout.Count; t++)
            decoded.Submission.Tensors[t].AddTo(model.Parameters.Buffer.AsSpan(layout[t].Offset, layout[t].Length), trialRate);
        try
        {
            return SignificanceGate.Judge(before, Losses(model, batches), schedule, threshold);
        }
        finally
        {
            model.Restore(baseWeights);
        }
    }
}
