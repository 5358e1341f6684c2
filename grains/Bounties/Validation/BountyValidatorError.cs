using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Runtime;

namespace L402Train.Grains.Bounties.Validation;

/// <summary>
/// The verdict of a bounty submission whose validation job died: the coordinator failed, so the
/// deposit is refunded (through the usual cancel job) at once rather than when its HTLC expires.
/// </summary>
internal static class BountyValidatorError
{
    /// <summary>What the agent reads; the job's error stays in the operator's log (it may quote the held-out run).</summary>
    public const string Detail = "the validator failed on every attempt; the deposit is refunded. Submit again later, or tell the coordinator's operator";

    /// <summary>The same, for a dead <c>bounty.validate</c> job's payload (the sweep of dead jobs).</summary>
    public static Task<bool> DecideFromPayloadAsync(IGrainFactory grains, string payloadJson) =>
        DecideAsync(grains, (System.Text.Json.JsonSerializer.Deserialize<BountySubmissionJob>(payloadJson, GrainJson.Options)
            ?? throw new InvalidDataException("A validation job has no payload.")).SubmissionId);

    /// <summary>Records <see cref="BountyVerdictReason.ValidatorError"/> unless a verdict exists (idempotent); true when this call decided.</summary>
    public static async Task<bool> DecideAsync(IGrainFactory grains, string submissionId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var grain = grains.GetGrain<IBountySubmissionGrain>(submissionId);
        var state = await grain.GetAsync();
        if (state.Received is null || state.Verdict is not null) return false;
        var decided = await grain.DecideAsync(BountyVerdict.Rejected(BountyVerdictReason.ValidatorError, Detail));
        return decided.Verdict?.Reason == BountyVerdictReason.ValidatorError;
    }
}
