using L402Train.Runtime;

namespace L402Train.Grains.Training;

/// <summary>
/// The verdict of a gradient submission whose validation job died: the coordinator failed, so the
/// deposit is refunded (through the usual cancel job) at once, and the round no longer waits for it
/// before aggregating.
/// </summary>
internal static class TrainingValidatorError
{
    /// <summary>What the peer reads; the job's error stays in the operator's log.</summary>
    public const string Detail = "the validator failed on every attempt; the deposit is refunded";

    /// <summary>The same, for a dead <c>training.validate</c> job's payload (the sweep of dead jobs).</summary>
    public static Task<bool> DecideFromPayloadAsync(IGrainFactory grains, string payloadJson) =>
        DecideAsync(grains, (System.Text.Json.JsonSerializer.Deserialize<SubmissionJob>(payloadJson, GrainJson.Options)
            ?? throw new InvalidDataException("A validation job has no payload.")).SubmissionId);

    /// <summary>Records <see cref="VerdictReason.ValidatorError"/> unless a verdict exists (idempotent); true when this call decided.</summary>
    public static async Task<bool> DecideAsync(IGrainFactory grains, string submissionId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var grain = grains.GetGrain<ISubmissionGrain>(submissionId);
        var state = await grain.GetAsync();
        if (state.Received is null || state.Verdict is not null) return false;
        var decided = await grain.RecordVerdictAsync(SubmissionVerdict.Rejected(VerdictReason.ValidatorError, Detail), validationCpuMs: 0);
        return decided.Verdict?.Reason == VerdictReason.ValidatorError;
    }
}
