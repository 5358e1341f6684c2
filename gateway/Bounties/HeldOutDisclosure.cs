using System.Globalization;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;

namespace L402Train.Gateway.Bounties;

/// <summary>
/// What agents (everyone but the sponsor) may learn of the held-out set while a bounty is open: the
/// verdict, and held-out scores and improvements floored to the bounty's disclosure grid
/// (<see cref="BountyTerms.DisclosureGrid"/>, its <c>min_improvement</c>). Exact figures, per-repeat
/// scores, held-out output, exit codes and timings stay with the sponsor. Once the bounty is closed
/// the held-out set itself is revealed, so nothing is coarsened any more.
/// </summary>
internal static class HeldOutDisclosure
{
    /// <summary>A held-out score as agents see it.</summary>
    public static double? Score(double? score, BountyState bounty)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        return score is { } s && Coarse(bounty) is { } terms ? terms.Coarsen(s) : score;
    }

    /// <summary>A held-out improvement as agents see it: floored to the grid, never below 0.</summary>
    public static double? Improvement(double? improvement, BountyState bounty)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        return improvement is { } i && Coarse(bounty) is { } terms ? Math.Max(0, terms.Coarsen(i)) : improvement;
    }

    /// <summary>The verdict's sentence as agents see it: decisions on held-out scores are restated with coarse figures.</summary>
    public static string? Detail(BountyVerdict? verdict, BountyState bounty)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        if (verdict is null || Coarse(bounty) is not { } terms) return verdict?.Detail;
        var grid = terms.DisclosureGrid.ToString("R", CultureInfo.InvariantCulture);
        var improvement = (Improvement(verdict.Improvement, bounty) ?? 0).ToString("0.##########", CultureInfo.InvariantCulture);
        var note = $"(held-out figures are floored to this bounty's grid of {grid} while it is open)";
        return verdict.Reason switch
        {
            BountyVerdictReason.Accepted => $"accepted: held-out improvement of at least {improvement} over the current best {note}",
            BountyVerdictReason.NotImproved => $"no improvement on the held-out set {note}",
            BountyVerdictReason.NotSignificant when verdict.Improvement < terms.MinImprovement =>
                $"an improvement on the held-out set below the minimum {terms.MinImprovement.ToString(CultureInfo.InvariantCulture)} {note}",
            BountyVerdictReason.NotSignificant => $"held-out improvement of at least {improvement}, but not above the bounty's bar (its noise floor or the leader threshold: see required_improvement) or not significant over the repeats {note}",
            BountyVerdictReason.CanaryFailed => "the public canary items were answered right and their held-out counterparts wrong: the answers were memorised from the public set",
            BountyVerdictReason.SuspiciousGap => $"the public gain exceeds the held-out gain by more than the coordinator tolerates: the change fits the public set rather than the task {note}",
            _ => verdict.Detail,
        };
    }

    private static BountyTerms? Coarse(BountyState bounty) =>
        bounty.Status == BountyStatus.Closed ? null : bounty.Posted?.Terms;
}
