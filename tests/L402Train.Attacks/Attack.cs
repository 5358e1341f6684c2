namespace L402Train.Attacks;

/// <summary>
/// One scripted attacker: a trick an agent might try to be paid for work it did not do, played
/// through the real HTTP API against the shipped bounty (pay the L402s, download, build a diff,
/// submit behind a deposit, read the verdict).
/// </summary>
public abstract class Attack
{
    /// <summary>A short kebab-case name (the test case and the docs row).</summary>
    public abstract string Name { get; }

    /// <summary>What the attacker tries, in a sentence.</summary>
    public abstract string Trick { get; }

    /// <summary>The defence that is meant to stop it.</summary>
    public abstract string Defence { get; }

    /// <summary>
    /// True when the attack lies about its work, so every deposit it locks must be forfeited; false
    /// when the protocol refunds its deposits by design (below threshold, superseded, a refused request).
    /// </summary>
    public virtual bool Dishonest => true;

    /// <summary>Plays the attack; every submission and refusal goes through agents made by <paramref name="context"/>.</summary>
    public abstract Task RunAsync(AttackContext context, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
