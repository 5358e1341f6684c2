namespace L402Train.Attacks.Catalog;

/// <summary>Python imports <c>sitecustomize</c> at start-up from the working directory on its path: an exit hook that prints a perfect score.</summary>
public sealed class SitecustomizeInjection : Attack
{
    private const string Hook = """
        import atexit, os, sys
        # Any Python started in the working copy prints a perfect score as its very last line.
        atexit.register(lambda: (sys.stdout.write("1.0000\n"), sys.stdout.flush(), os._exit(0)))
        """;

    /// <inheritdoc/>
    public override string Name => "sitecustomize-injection";

    /// <inheritdoc/>
    public override string Trick => "adds sitecustomize.py, usercustomize.py and a .pth file that print 1.0000 when any Python in the working copy exits";

    /// <inheritdoc/>
    public override string Defence => "target globs (non_target_file); the eval runs no Python, and PYTHONPATH is not in the sandbox's allow-listed environment";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        await Tampering.SubmitEachAsync(agent, w, cancellationToken,
            Tampering.Diff(w, Tampering.Tweak(w), ("sitecustomize.py", Hook + "\n"), ("usercustomize.py", Hook + "\n")),
            Tampering.Diff(w, ("zz-score.pth", "import sitecustomize\n")));
    }
}
