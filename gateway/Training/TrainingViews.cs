using L402Train.Grains.Training;

namespace L402Train.Gateway.Training;

/// <summary>The training part of <c>GET /status</c>: enough for a peer to sync status-first.</summary>
/// <param name="Round">The round accepting gradients.</param>
/// <param name="RoundStatus">Its status.</param>
/// <param name="BaseVersion">The checkpoint version gradients must be computed against.</param>
/// <param name="Deadline">When the round closes at the latest.</param>
/// <param name="Checkpoint">The newest checkpoint.</param>
/// <param name="Setup">Model, corpus and compression settings peers must use.</param>
/// <param name="DepositSat">The deposit behind a submission.</param>
/// <param name="CheckpointPriceSat">The price of a checkpoint download.</param>
public sealed record TrainingStatusView(
    int Round, RoundStatus RoundStatus, int BaseVersion, DateTimeOffset Deadline, CheckpointView? Checkpoint,
    TrainingSetup Setup, long DepositSat, long CheckpointPriceSat);

/// <summary>A checkpoint version.</summary>
/// <param name="Version">Version number.</param>
/// <param name="Sha256">Content hash of the safetensors file.</param>
/// <param name="Bytes">File size.</param>
public sealed record CheckpointView(int Version, string Sha256, long Bytes)
{
    /// <summary>From the stored reference.</summary>
    public static CheckpointView From(CheckpointRef c) => new(c.Version, c.BlobHash, c.Bytes);
}

/// <summary>What <c>PUT /gradient</c> answers.</summary>
/// <param name="SubmissionId">The id to poll and claim with.</param>
/// <param name="Round">The round it was filed under.</param>
/// <param name="Status">Where to poll.</param>
public sealed record SubmissionAccepted(string SubmissionId, int Round, string Status);

/// <summary>A submission as its peer sees it.</summary>
/// <param name="SubmissionId">Its id.</param>
/// <param name="PeerId">The peer.</param>
/// <param name="Round">Its round.</param>
/// <param name="BaseVersion">The version it was trained on.</param>
/// <param name="Status"><c>validating</c> or <c>decided</c>.</param>
/// <param name="Verdict">The verdict reason once decided.</param>
/// <param name="Score">Mean relative held-out loss decrease.</param>
/// <param name="Quality">Score mapped to [0, 1].</param>
/// <param name="Detail">Why.</param>
/// <param name="Deposit">Deposit status.</param>
/// <param name="DepositSat">Deposit amount.</param>
/// <param name="RewardSat">Reward owed or paid.</param>
/// <param name="Reward">Reward status.</param>
/// <param name="ClaimFailure">Why the last claim payment failed, if it did.</param>
public sealed record SubmissionView(
    string SubmissionId, string PeerId, int Round, int BaseVersion, string Status, VerdictReason? Verdict, double? Score, double? Quality,
    string? Detail, DepositStatus Deposit, long DepositSat, long RewardSat, RewardStatus Reward, string? ClaimFailure)
{
    /// <summary>From the grain's state.</summary>
    public static SubmissionView From(string id, SubmissionState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var r = s.Received!;
        return new(id, r.PeerId, r.Round, r.BaseVersion, s.Verdict is null ? "validating" : "decided", s.Verdict?.Reason, s.Verdict?.Score,
            s.Verdict?.Quality, s.Verdict?.Detail, s.Deposit, r.DepositSat, s.RewardSat, s.Reward, s.ClaimFailure);
    }
}

/// <summary>Body of a reward claim.</summary>
/// <param name="Invoice">A BOLT11 invoice for exactly the reward.</param>
public sealed record ClaimRequest(string? Invoice);

/// <summary>What a claim answers.</summary>
/// <param name="SubmissionId">The submission.</param>
/// <param name="PaymentHash">The claim invoice's hash.</param>
/// <param name="AmountSat">The reward being paid.</param>
/// <param name="Status"><c>paying</c> or <c>paid</c>.</param>
public sealed record ClaimAccepted(string SubmissionId, string PaymentHash, long AmountSat, string Status);
