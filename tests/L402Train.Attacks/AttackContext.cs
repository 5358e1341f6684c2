using L402Train.Attacks.Arena;

namespace L402Train.Attacks;

/// <summary>What an attack plays with: the arena, and agents whose submissions and payments are counted as the attack's.</summary>
public sealed class AttackContext
{
    private readonly List<AttackAgent> agents = [];

    internal AttackContext(AttackArena arena) => Arena = arena;

    /// <summary>The silo and the shipped bounty.</summary>
    public AttackArena Arena { get; }

    /// <summary>The agents the attack used.</summary>
    public IReadOnlyList<AttackAgent> Agents => agents;

    /// <summary>A new funded agent working for this attack.</summary>
    public AttackAgent Agent(string name)
    {
        var agent = Arena.NewAgent(name);
        agents.Add(agent);
        return agent;
    }

    /// <summary>The honest leader (accepted once, before the first attack that needs it).</summary>
    public Task<Leader> LeaderAsync() => Arena.LeaderAsync();
}
