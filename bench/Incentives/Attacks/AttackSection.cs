using L402Train.Attacks;
using L402Train.Attacks.Arena;

namespace L402Train.Bench.Incentives.Attacks;

/// <summary>One scripted attacker's outcome: its name, the verdict it got, whether it was refused and what it was paid.</summary>
internal sealed record AttackOutcome(string Name, string Verdict, bool Refused, long PaidSat);

/// <summary>
/// The seam for the bounty attack suite (branch <c>attacks</c>, <c>tests/L402Train.Attacks</c>'s
/// <c>AttackSuite</c>): anything that runs the scripted attackers against the shipped bounty and
/// reports each outcome.
/// </summary>
internal interface IAttackRunner
{
    Task<IReadOnlyList<AttackOutcome>> RunAsync(CancellationToken cancellationToken);
}

/// <summary>Prints the attack figures when a runner is wired, and says so when none is.</summary>
internal static class AttackSection
{
    /// <summary>
    /// The runner the bench uses: the scripted attackers of <c>tests/L402Train.Attacks</c> against the
    /// shipped bounty on an embedded silo (simnet, real sandbox), through the HTTP API.
    /// </summary>
    public static IAttackRunner? Runner() => new SuiteRunner();

    private sealed class SuiteRunner : IAttackRunner
    {
        public async Task<IReadOnlyList<AttackOutcome>> RunAsync(CancellationToken cancellationToken)
        {
            await using var arena = await AttackArena.StartAsync(cancellationToken);
            var report = await AttackSuite.RunAllAsync(arena, cancellationToken);
            return [.. report.Results.Select(r => new AttackOutcome(r.Name, r.Verdict.Replace(", ", "+", StringComparison.Ordinal), r.Refused, r.RewardSats))];
        }
    }

    public static async Task PrintAsync(IAttackRunner? runner, Action<string> print, CancellationToken cancellationToken)
    {
        if (runner is null)
        {
            print("attacks=not_wired");
            return;
        }
        var outcomes = await runner.RunAsync(cancellationToken);
        print($"attacks_total={outcomes.Count}");
        print($"attacks_refused={outcomes.Count(o => o.Refused)}");
        print($"attacks_paid_sats={outcomes.Sum(o => o.PaidSat)}");
        foreach (var outcome in outcomes) print($"attack_{outcome.Name}={outcome.Verdict}");
    }
}
