using L402Train.Grains.Training;
using L402Train.Protocol;
using L402Train.Protocol.Training;

namespace L402Train.Gateway.Training;

/// <summary>The training track's state as the protocol shows it.</summary>
internal static class TrainingViews
{
    /// <summary>The training part of <c>GET /status</c>.</summary>
    public static TrainingStatusView Status(TrainingRunState run, RoundState round, TrainingSetup setup, RewardSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(schedule);
        return new(run.CurrentRound, ProtocolJson.Name(round.Status), round.BaseVersion, round.Deadline,
            run.Latest is { } latest ? Checkpoint(latest) : null, Setup(setup), schedule.DepositSat, schedule.CheckpointPriceSat, round.Threshold?.Tau);
    }

    /// <summary>A checkpoint version from the stored reference.</summary>
    public static CheckpointView Checkpoint(CheckpointRef c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Version, c.BlobHash, c.Bytes);
    }

    /// <summary>The setup peers must share.</summary>
    public static TrainingSetupView Setup(TrainingSetup s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new()
        {
            Model = s.Model, InitSeed = s.InitSeed, Corpus = s.Corpus, CorpusSha256 = s.CorpusSha256, CorpusSeed = s.CorpusSeed, CorpusStories = s.CorpusStories,
            SequenceLength = s.SequenceLength, TopK = s.TopK, ErrorFeedbackDecay = s.ErrorFeedbackDecay,
        };
    }

    /// <summary>A gradient submission as its peer sees it.</summary>
    public static SubmissionView Submission(string id, SubmissionState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var r = s.Received!;
        return new(id, r.PeerId, r.Round, r.BaseVersion, s.Verdict is null ? "validating" : "decided", s.Verdict is { } v ? ProtocolJson.Name(v.Reason) : null,
            s.Verdict?.Score, s.Verdict?.Quality, s.Verdict?.Detail, ProtocolJson.Name(s.Deposit), r.DepositSat.Value, s.RewardSat.Value, ProtocolJson.Name(s.Reward), s.ClaimFailure);
    }
}
