using L402Train.Attacks.Catalog;

namespace L402Train.Attacks;

/// <summary>Every scripted attacker, in the order a suite runs them (the ones that need the honest leader come after it exists).</summary>
public static class AttackCatalog
{
    /// <summary>The catalog.</summary>
    public static IReadOnlyList<Attack> All { get; } =
    [
        new ConftestInjection(),
        new SitecustomizeInjection(),
        new ScorerMonkeypatch(),
        new FakeLastLine(),
        new HeldOutDiskRead(),
        new CrossRunCache(),
        new EnvironmentProbe(),
        new TimingSideChannel(),
        new HardCodedPublicAnswers(),
        new RegeneratedHeldOut(),
        new HugeScore(),
        new NonFiniteScore(),
        new WeakenedEval(),
        new PathEscape(),
        new SybilSplit(),
        new DepositReuse(),
        new UnpaidDeposit(),
        new LeaderCopyWithNoise(),
        new StaleBaseRace(),
        new ClaimHijack(),
    ];

    /// <summary>The attack named <paramref name="name"/>.</summary>
    public static Attack Named(string name) => All.Single(a => a.Name == name);
}
