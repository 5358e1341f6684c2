using L402Train.Attacks;
using L402Train.Attacks.Arena;

namespace L402Train.Bench.Bounties;

/// <summary>
/// <c>--attacks</c>: every scripted attacker against the shipped bounty on an embedded silo
/// (one line per attack, <c>attacks_total</c>, <c>attacks_refused</c>), then the defences' cost on an honest submission.
/// </summary>
internal static class AttackFigures
{
    public static async Task<int> RunAsync()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the bounty sandbox needs Linux.");
        AttackSuiteReport report;
        await using (var arena = await AttackArena.StartAsync(CancellationToken.None))
        {
            report = await AttackSuite.RunAllAsync(arena, CancellationToken.None);
        }
        foreach (var line in report.Lines()) Console.WriteLine(line);
        await SandboxDefenceOverhead.RunAsync();
        return report.Refused == report.Total ? 0 : 1;
    }
}
