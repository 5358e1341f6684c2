namespace L402Train.Gateway.Workers;

/// <summary>The coordinator's agent index settings.</summary>
public sealed record AgentIndexOptions
{
    /// <summary>How long an entry stays listed after its last accepted registration (<c>--agent-ttl-s</c>, default 10 minutes).</summary>
    public TimeSpan EntryLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The oldest <c>signature.signed_at</c> accepted (default 10 minutes): a captured registration cannot be replayed later.</summary>
    public TimeSpan MaxSignatureAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest body of <c>POST /api/v1/agents</c>.</summary>
    public long MaxBodyBytes { get; init; } = 64 << 10;
}
