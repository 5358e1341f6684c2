namespace L402Train.PeerAgent.Research;

/// <summary>A worker found in the index, from its verified registration.</summary>
/// <param name="AgentId">Its id: the node public key (hex) its registration is signed with.</param>
/// <param name="Name">The registration's name.</param>
/// <param name="Endpoint">The experiment URL (<c>POST</c> experiments here).</param>
/// <param name="PriceSats">The price the registration advertises.</param>
/// <param name="BestValBpb">The best <c>val_bpb</c> it has delivered, as it says.</param>
public sealed record WorkerCandidate(string AgentId, string Name, Uri Endpoint, long PriceSats, double? BestValBpb);

/// <summary>What probing a worker with the experiment said.</summary>
/// <param name="Worker">The worker.</param>
/// <param name="Healthy">True when it answered a hold-mode 402 whose invoice asks the advertised price.</param>
/// <param name="PriceSats">The price its 402 named.</param>
/// <param name="Rejected">True when it refused the experiment itself (a 4xx other than 402): no worker will run it.</param>
/// <param name="Problem">Why it is not usable, in words.</param>
/// <param name="Elapsed">How long the probe took.</param>
public sealed record WorkerQuote(WorkerCandidate Worker, bool Healthy, long PriceSats, bool Rejected, string? Problem, TimeSpan Elapsed);

/// <summary>The worker failed to deliver (connection lost, 5xx, timeout, cancelled invoice, abandoned run): the loop tries the next one.</summary>
public sealed class WorkerFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerFailedException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public WorkerFailedException() { }

    /// <summary>Creates the exception.</summary>
    public WorkerFailedException(string message) : base(message) { }
}

/// <summary>The loop cannot go on (no index, no healthy worker, a state file of another experiment): the message says what to do.</summary>
public sealed class ResearchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ResearchException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public ResearchException() { }

    /// <summary>Creates the exception.</summary>
    public ResearchException(string message) : base(message) { }
}
