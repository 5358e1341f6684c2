using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.Bounties.Shipped;
using L402Train.PeerAgent.Bounties;
using Spectre.Console;

namespace L402Train.Silo.Demo;

/// <summary>The agents' scenarios, in an order that makes each behaviour visible.</summary>
internal sealed partial class BountyDemoRunner
{
    /// <summary>A diff that tries to leave the working copy.</summary>
    internal const string TraversalDiff = "--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-root:x:0:0:root:/root:/bin/sh\n+root::0:0:root:/root:/bin/sh\n";

    private async Task PlayAsync(string bountyId, Dictionary<string, Participant> people, List<string> honest, Action refresh, CancellationToken ct)
    {
        // The first honest agent climbs from the sponsor's baseline and submits with commit-then-reveal.
        await HonestAsync(bountyId, people[honest[0]], seed: 1, refresh, ct);

        // A gaming agent lists every public message's answer: perfect in public, nothing on the held-out set.
        var gamer = Agent(people["gamer"]);
        var tree = await gamer.DownloadAsync(bountyId, ct);
        var config = tree.TargetFiles()[ShippedBounty.ConfigPath];
        var gamed = UnifiedDiffWriter.Write(ShippedBounty.ConfigPath, config, ShippedBounty.HardCodePublicAnswers(config, tree.ReadPublic(ShippedBounty.MessagesFile)));
        Add(people["gamer"], "gaming", await gamer.SubmitAsync(tree.Bounty, gamed, 1.0, ct), refresh);

        // A diff attacker tries to write outside the working copy.
        var attacker = Agent(people["attacker"]);
        tree = await attacker.DownloadAsync(bountyId, ct);
        Add(people["attacker"], "diff-attacker", await attacker.SubmitAsync(tree.Bounty, TraversalDiff, null, ct), refresh);

        for (var i = 1; i < honest.Count - 1; i++) await HonestAsync(bountyId, people[honest[i]], seed: i + 1, refresh, ct);
        if (honest.Count > 1) await FrontRunAsync(bountyId, people[honest[^1]], people["copier"], seed: honest.Count, refresh, ct);
    }

    private async Task HonestAsync(string bountyId, Participant who, int seed, Action refresh, CancellationToken ct)
    {
        var run = await Agent(who).RunAsync(bountyId, _ => new HillClimbingImprover(new HillClimbingOptions(seed)), ct);
        if (run.Outcome is { } outcome) Add(who, "honest", outcome, refresh);
        else Skipped(who, "honest", run.Skipped, run.LocalBestScore, refresh);
    }

    /// <summary>
    /// The victim commits and reveals; the copier sees the revealed diff and races it in under its own,
    /// later commitment. Identical diffs are credited to the earliest commitment, so the copy must lose.
    /// </summary>
    private async Task FrontRunAsync(string bountyId, Participant victim, Participant copier, int seed, Action refresh, CancellationToken ct)
    {
        // Gains get harder after each merge: the author searches longer so there is something worth copying.
        var author = Agent(victim, options.Iterations * 3);
        var tree = await author.DownloadAsync(bountyId, ct);
        var climb = await author.ImproveAsync(tree, _ => new HillClimbingImprover(new HillClimbingOptions(seed)), ct);
        if (climb.Diff.Length == 0 || tree.Direction.Improvement(climb.BaselineScore, climb.BestScore) < tree.Bounty.MinImprovement)
        {
            Skipped(victim, "honest", "no local improvement above the minimum", climb.BestScore, refresh);
            Skipped(copier, "front-runner", "nothing revealed to copy", climb.BestScore, refresh);
            return;
        }
        var filed = await author.RevealAsync(tree.Bounty, climb.Diff, climb.BestScore, await author.CommitAsync(bountyId, climb.Diff, ct), ct);
        var thief = Agent(copier);
        var copy = await thief.RevealAsync(tree.Bounty, climb.Diff, climb.BestScore, await thief.CommitAsync(bountyId, climb.Diff, ct), ct);
        var outcomes = await Task.WhenAll(author.FollowAsync(bountyId, filed, climb.Diff, ct), thief.FollowAsync(bountyId, copy, climb.Diff, ct));
        Add(victim, "honest", outcomes[0], refresh);
        Add(copier, "front-runner", outcomes[1], refresh);
    }

    private BountyAgent Agent(Participant who, int? iterations = null) =>
        new(who.Client, who.Wallet, new BountyAgentOptions
        {
            Agent = who.Name,
            Iterations = iterations ?? options.Iterations,
            WorkDirectory = Path.Combine(options.DataDir, "agents", who.Name),
            VerdictTimeout = TimeSpan.FromMinutes(3),
        }, TimeProvider.System, who.Log);

    private void Add(Participant who, string role, BountySubmissionOutcome o, Action refresh) =>
        Show(new DemoBountyAgent(who.Name, role, o.Status, o.Reason, o.PublicScore, o.HeldoutScore, o.RewardSats, o.Deposit, o.DepositSats, o.CreditedTo), refresh);

    private void Skipped(Participant who, string role, string? why, double publicScore, Action refresh) =>
        Show(new DemoBountyAgent(who.Name, role, "skipped", why, publicScore, null, 0, "none", 0, null), refresh);

    private void Show(DemoBountyAgent row, Action refresh)
    {
        rows.Add(row);
        table.AddRow(row.Agent, row.Role, row.Status, Markup.Escape(row.Reason ?? "-"), Score(row.PublicScore), Score(row.HeldoutScore),
            $"{row.RewardSat}", $"{row.Deposit} ({row.DepositSat} sat)");
        refresh();
    }
}
