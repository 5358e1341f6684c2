using L402Train.Attacks.Arena;
using L402Train.Bounties.Shipped;

namespace L402Train.Attacks.Catalog;

/// <summary>
/// Sybils splitting one improvement: memorising the public set is caught as a whole (the gap
/// check), so several identities each take a sliver of it, three public answers the current best
/// gets wrong (+0.0075 on the public set, under both the gap tolerance and min_improvement), and
/// submit one after another.
/// </summary>
public sealed class SybilSplit : Attack
{
    private const int Sybils = 3;
    private const int AnswersPerSybil = 3;

    /// <inheritdoc/>
    public override string Name => "sybil-split";

    /// <inheritdoc/>
    public override string Trick => "three identities each hard-code 3 public answers the current best gets wrong (+0.0075 public each, under the gap tolerance), submitted one after another";

    /// <inheritdoc/>
    public override string Defence => "each piece is judged on its own held-out gain (not_improved); rewards are linear and floored, so a real improvement split pays no more than whole";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var scout = context.Agent(Name + "-1");
        var w = await scout.DownloadAsync(cancellationToken);
        var files = w.TargetFiles();
        var config = Tampering.Config(w);
        var score = await w.Evaluator.ScoreAsync(files, cancellationToken) ?? throw new InvalidOperationException("the public eval fails locally");
        // Find the public messages the current best gets wrong: memorising one of them raises the local public score.
        var wrong = new List<string>();
        foreach (var message in w.ReadPublic(ShippedBounty.MessagesFile).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var memorised = ShippedBounty.HardCodePublicAnswers(config, message + "\n");
            if (await w.Evaluator.ScoreAsync(new Dictionary<string, string>(files) { [ShippedBounty.ConfigPath] = memorised }, cancellationToken) > score)
                wrong.Add(message + "\n");
            if (wrong.Count == Sybils * AnswersPerSybil) break;
        }
        if (wrong.Count < Sybils * AnswersPerSybil) throw new InvalidOperationException($"only {wrong.Count} public messages are wrong: nothing to split");
        for (var i = 0; i < Sybils; i++)
        {
            AttackAgent sybil = i == 0 ? scout : context.Agent($"{Name}-{i + 1}");
            var own = i == 0 ? w : await sybil.DownloadAsync(cancellationToken);
            var sliver = ShippedBounty.HardCodePublicAnswers(Tampering.Config(own), string.Concat(wrong.Skip(i * AnswersPerSybil).Take(AnswersPerSybil)));
            await sybil.SubmitAsync(Tampering.ConfigDiff(own, sliver), own.Bounty.Version, cancellationToken);
        }
    }
}
