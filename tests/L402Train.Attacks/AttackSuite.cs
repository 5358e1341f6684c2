using System.Globalization;
using L402Train.Attacks.Arena;

namespace L402Train.Attacks;

/// <summary>Runs the catalog against one arena, one attack after another (stale-base and copy attacks depend on the order of merges).</summary>
public static class AttackSuite
{
    /// <summary>Plays <paramref name="attack"/> with fresh agents and sums what it got and what it cost.</summary>
    public static async Task<AttackResult> RunAsync(AttackArena arena, Attack attack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arena);
        ArgumentNullException.ThrowIfNull(attack);
        var context = new AttackContext(arena);
        var started = arena.Time.GetTimestamp();
        await attack.RunAsync(context, cancellationToken);
        var wall = arena.Time.GetElapsedTime(started);
        long spent = 0;
        foreach (var agent in context.Agents) spent += AttackArena.AgentFundingSats - await agent.BalanceSatsAsync(cancellationToken);
        return new AttackResult(attack, [.. context.Agents.SelectMany(a => a.Submissions)], [.. context.Agents.SelectMany(a => a.Refusals)], spent, wall);
    }

    /// <summary>Plays every attack of <paramref name="catalog"/> (default: <see cref="AttackCatalog.All"/>) in order.</summary>
    public static async Task<AttackSuiteReport> RunAllAsync(AttackArena arena, CancellationToken cancellationToken, IReadOnlyList<Attack>? catalog = null)
    {
        var results = new List<AttackResult>();
        foreach (var attack in catalog ?? AttackCatalog.All) results.Add(await RunAsync(arena, attack, cancellationToken));
        return new AttackSuiteReport(results, arena.HasLeader ? await arena.LeaderAsync() : null);
    }
}

/// <summary>Every attack's result, the totals a bench prints, and the honest control.</summary>
/// <param name="Results">One per attack, in catalog order.</param>
/// <param name="Leader">The honest leader, when an attack needed it.</param>
public sealed record AttackSuiteReport(IReadOnlyList<AttackResult> Results, Leader? Leader)
{
    /// <summary>How many attacks ran.</summary>
    public int Total => Results.Count;

    /// <summary>How many were refused (not accepted, not paid, dishonest deposits forfeited).</summary>
    public int Refused => Results.Count(r => r.Refused);

    /// <summary>Rewards paid to attackers, in total (the goal is 0).</summary>
    public long PaidToAttackersSats => Results.Sum(r => r.RewardSats);

    /// <summary>One <c>name=value</c> line per figure: per attack its verdict, money and eval time, then the totals.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (var r in Results)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"attack_{r.Name.Replace('-', '_')}=refused:{r.Refused.ToString().ToLowerInvariant()} verdict:{r.Verdict} reward_sats:{r.RewardSats} spent_sats:{r.SpentSats} deposit:{r.DepositOutcome} eval_ms:{r.EvalTime.TotalMilliseconds:0}");
        }
        if (Leader is { } leader)
            yield return string.Create(CultureInfo.InvariantCulture, $"honest_validation_ms={leader.Record.EvalTime.TotalMilliseconds:0}");
        yield return string.Create(CultureInfo.InvariantCulture, $"attacks_total={Total}");
        yield return string.Create(CultureInfo.InvariantCulture, $"attacks_refused={Refused}");
        yield return string.Create(CultureInfo.InvariantCulture, $"attack_rewards_paid_sats={PaidToAttackersSats}");
    }
}
