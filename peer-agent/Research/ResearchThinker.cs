using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace L402Train.PeerAgent.Research;

/// <summary>A variation to run: the config, what changed, and (for the climb) where it was made.</summary>
/// <param name="Config">The config to run.</param>
/// <param name="Move">What changed, in words.</param>
/// <param name="At">The climb's position, or null for a proposal from elsewhere (an improver).</param>
public sealed record ResearchIdea(JsonObject Config, string Move, ClimbPosition? At);

/// <summary>THINK: proposes the next variation of the best config, or null when it has nothing new to try.</summary>
public interface IResearchThinker
{
    /// <summary>The next config to run, given the state and every published result.</summary>
    Task<ResearchIdea?> ThinkAsync(ResearchState state, IReadOnlyList<ResearchResult> history, CancellationToken cancellationToken);
}

/// <summary>THINK by <see cref="HillClimb"/>: the default, free and deterministic.</summary>
public sealed class ClimbThinker : IResearchThinker
{
    /// <inheritdoc />
    public Task<ResearchIdea?> ThinkAsync(ResearchState state, IReadOnlyList<ResearchResult> history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.BestConfig is not { } best) return Task.FromResult<ResearchIdea?>(null);
        var tried = state.Tried.ToHashSet(StringComparer.Ordinal);
        var proposal = HillClimb.Propose(best, state.Climb, config => tried.Contains(ConfigKey.Of(config)));
        return Task.FromResult(proposal is null ? null : new ResearchIdea(proposal.Config, proposal.Move, proposal.At));
    }
}

/// <summary>The identity of a config for "already tried": SHA-256 of its canonical JSON.</summary>
public static class ConfigKey
{
    /// <summary>Hex SHA-256 of <see cref="CanonicalJson"/> of <paramref name="config"/>.</summary>
    public static string Of(JsonObject config) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(config))));
}
