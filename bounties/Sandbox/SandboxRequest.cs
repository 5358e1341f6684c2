namespace L402Train.Bounties.Sandbox;

/// <summary>One evaluation to run in the sandbox.</summary>
/// <param name="WorkingCopy">The baseline plus the applied diff; mounted writable at <see cref="BubblewrapSandbox.WorkDirectory"/>.</param>
/// <param name="Command">The eval command, run by <c>/bin/sh -c</c> in the working copy.</param>
/// <param name="DataSet">
/// The evaluation set for this run (the public one, or the held-out one for the held-out run),
/// copied and mounted read-only at <see cref="BubblewrapSandbox.DataDirectory"/>; null mounts nothing.
/// The same path serves both runs so the eval command is identical and a diff cannot tell them apart by path.
/// </param>
/// <param name="Limits">Resource limits.</param>
/// <param name="Environment">Extra environment variables (names of letters, digits and underscores).</param>
public sealed record SandboxRequest(
    WorkingCopy WorkingCopy,
    string Command,
    string? DataSet,
    SandboxLimits Limits,
    IReadOnlyDictionary<string, string>? Environment = null);
