namespace L402Train.Bench.Bounties;

internal static class QuickFigures
{
    public static Task<int> RunAsync() => Task.FromResult(0);
}
