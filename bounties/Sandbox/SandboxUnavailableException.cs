namespace L402Train.Bounties.Sandbox;

/// <summary>
/// The host cannot run sandboxed evaluations (bubblewrap or a companion tool missing, or user
/// namespaces refused). A validator silo throws this at start-up rather than evaluate unconfined.
/// </summary>
public sealed class SandboxUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that names the missing piece and the fix.</summary>
    public SandboxUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SandboxUnavailableException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public SandboxUnavailableException() : base("The bounty sandbox is unavailable.") { }
}
