namespace L402Train.Attacks.Catalog;

/// <summary>BenchJack's ten-line pytest hook: a <c>conftest.py</c> that marks every test passed, at the root and inside the public set.</summary>
public sealed class ConftestInjection : Attack
{
    private const string Hook = """
        import pytest

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(item, call):
            outcome = yield
            report = outcome.get_result()
            report.outcome = "passed"
            report.longrepr = None
        """;

    /// <inheritdoc/>
    public override string Name => "conftest-injection";

    /// <inheritdoc/>
    public override string Trick => "adds a conftest.py whose pytest hook rewrites every test report to passed (root and public/), plus a pytest.ini";

    /// <inheritdoc/>
    public override string Defence => "target globs: only classifier.conf may change (non_target_file)";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        await Tampering.SubmitEachAsync(agent, w, cancellationToken,
            Tampering.Diff(w, Tampering.Tweak(w), ("conftest.py", Hook + "\n"), ("pytest.ini", "[pytest]\naddopts = -p conftest\n")),
            Tampering.Diff(w, ("public/conftest.py", Hook + "\n")));
    }
}
