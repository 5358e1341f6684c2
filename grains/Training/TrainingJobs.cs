namespace L402Train.Grains.Training;

/// <summary>Job types of the training track.</summary>
public static class TrainingJobTypes
{
    /// <summary>Validate one submission (validator role); unique by submission id.</summary>
    public const string ValidateSubmission = "submission.validate";

    /// <summary>Close a round at its deadline; unique by round number.</summary>
    public const string CloseRound = "round.close";

    /// <summary>Aggregate a closed round into the next checkpoint version; unique by round number.</summary>
    public const string AggregateRound = "round.aggregate";

    /// <summary>
    /// Retired: the per-challenge fee check, one row per 402. No longer written (the fee sweep records
    /// unused fees); rows an older version left are completed by <see cref="RetiredFeeCheckHandler"/>.
    /// </summary>
    public const string CheckCheckpointFee = "checkpoint-fee.check";
}

/// <summary>Payload naming a round.</summary>
/// <param name="Round">The round number.</param>
internal sealed record RoundJob(int Round);

/// <summary>Payload naming a submission.</summary>
/// <param name="SubmissionId">The submission id.</param>
internal sealed record SubmissionJob(string SubmissionId);
