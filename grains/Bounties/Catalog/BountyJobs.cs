namespace L402Train.Grains.Bounties.Catalog;

/// <summary>Job types of the bounty track.</summary>
public static class BountyJobTypes
{
    /// <summary>Look up a bounty's funding invoice (settler role); re-scheduled until it settles or expires.</summary>
    public const string WatchFunding = "bounty.funding";

    /// <summary>Close a bounty at its deadline (settler role); unique by bounty id.</summary>
    public const string Close = "bounty.close";

    /// <summary>Score a bounty's baseline on both sets (validator role); unique by bounty id.</summary>
    public const string ScoreBaseline = "bounty.baseline";

    /// <summary>Validate one submission (validator role); unique by submission id.</summary>
    public const string Validate = "bounty.validate";

    /// <summary>
    /// Re-evaluate an accepted submission on a fresh held-out slice once its holdback delay passed, then release or
    /// forfeit its holdback (validator role); unique by submission id, scheduled at the merge for merge time + delay.
    /// </summary>
    public const string Holdback = "bounty.holdback";
}

/// <summary>Payload naming a bounty.</summary>
/// <param name="BountyId">The bounty id.</param>
internal sealed record BountyJob(string BountyId);

/// <summary>Payload naming a bounty submission.</summary>
/// <param name="SubmissionId">The submission id (its deposit's payment hash).</param>
internal sealed record BountySubmissionJob(string SubmissionId);
