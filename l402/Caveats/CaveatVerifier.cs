using System.Text;
using L402Train.L402.Macaroons;

namespace L402Train.L402.Caveats;

/// <summary>
/// Runs the satisfiers over a token's first-party caveats. Unknown caveats fail closed: a
/// condition no satisfier handles for this request rejects the token (stricter than Aperture,
/// which skips them), so nobody can widen a token by adding a caveat we do not understand.
/// </summary>
public sealed class CaveatVerifier
{
    private static readonly ICaveatSatisfier[] Standard =
        [new ServicesSatisfier(), new CapabilitiesSatisfier(), new ValidUntilSatisfier(), new ModeSatisfier()];

    private readonly ICaveatSatisfier[] fixedSatisfiers;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ScopeSatisfier> scopeSatisfiers = new(StringComparer.Ordinal);

    /// <summary>A verifier with the standard satisfiers plus <paramref name="extra"/>; scope satisfiers come from each request.</summary>
    public CaveatVerifier(IEnumerable<ICaveatSatisfier>? extra = null) => fixedSatisfiers = [.. Standard, .. extra ?? []];

    private ICaveatSatisfier[] WithScope(AccessRequest request)
    {
        var all = new List<ICaveatSatisfier>(fixedSatisfiers.Length + request.Scope.Count);
        all.AddRange(fixedSatisfiers);
        foreach (var (key, _) in request.Scope)
        {
            var satisfier = scopeSatisfiers.GetOrAdd(key, k => new ScopeSatisfier(k));
            if (!all.Contains(satisfier)) all.Add(satisfier);
        }
        return [.. all];
    }

    /// <summary>
    /// Reads a macaroon's caveats as <c>condition=value</c>; false with the reason when one is a
    /// third-party caveat or not in that form (both fail closed).
    /// </summary>
    public static bool TryReadCaveats(IReadOnlyList<MacaroonCaveat> caveats, out List<Caveat> parsed, out string? error)
    {
        ArgumentNullException.ThrowIfNull(caveats);
        parsed = new List<Caveat>(caveats.Count);
        foreach (var raw in caveats)
        {
            if (raw.IsThirdParty) { error = "Third-party caveats are not supported."; return false; }
            var text = Encoding.UTF8.GetString(raw.Identifier.Span);
            if (!Caveat.TryParse(text, out var caveat)) { error = $"Caveat '{text}' is not condition=value."; return false; }
            parsed.Add(caveat);
        }
        error = null;
        return true;
    }

    /// <summary>Null when every caveat admits the request; otherwise the first reason it does not.</summary>
    public string? Verify(IReadOnlyList<Caveat> caveats, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(caveats);
        ArgumentNullException.ThrowIfNull(request);
        var satisfiers = request.Scope.Count == 0 ? fixedSatisfiers : WithScope(request);

        var byCondition = new List<(ICaveatSatisfier Satisfier, List<Caveat> Occurrences)>(satisfiers.Length);
        foreach (var caveat in caveats)
        {
            var satisfier = Array.Find(satisfiers, s => s.Handles(caveat.Condition, request));
            if (satisfier is null) return $"Unknown caveat '{caveat.Condition}'.";
            var slot = byCondition.FindIndex(e => ReferenceEquals(e.Satisfier, satisfier));
            if (slot < 0) byCondition.Add((satisfier, [caveat]));
            else byCondition[slot].Occurrences.Add(caveat);
        }

        foreach (var satisfier in satisfiers)
        {
            var slot = byCondition.FindIndex(e => ReferenceEquals(e.Satisfier, satisfier));
            var failure = slot < 0 ? satisfier.CheckAbsent(request) : satisfier.CheckSequence(byCondition[slot].Occurrences, request);
            if (failure is not null) return failure;
        }
        return null;
    }
}
