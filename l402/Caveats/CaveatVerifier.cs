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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ICaveatSatisfier[]> singleScope = new(StringComparer.Ordinal);

    /// <summary>A verifier with the standard satisfiers plus <paramref name="extra"/>; scope satisfiers come from each request.</summary>
    public CaveatVerifier(IEnumerable<ICaveatSatisfier>? extra = null) => fixedSatisfiers = [.. Standard, .. extra ?? []];

    private ICaveatSatisfier[] WithScope(AccessRequest request)
    {
        // One scope key is the common case (round=, bounty=): reuse its satisfier array.
        if (request.Scope.Count == 1)
            return singleScope.GetOrAdd(request.Scope[0].Key, k => [.. fixedSatisfiers, scopeSatisfiers.GetOrAdd(k, key => new ScopeSatisfier(key))]);
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

        // Which satisfier owns each caveat (loops, not lambdas: this runs on every gated request).
        Span<int> owners = caveats.Count <= 64 ? stackalloc int[caveats.Count] : new int[caveats.Count];
        for (var i = 0; i < caveats.Count; i++)
        {
            owners[i] = -1;
            for (var s = 0; s < satisfiers.Length; s++)
            {
                if (satisfiers[s].Handles(caveats[i].Condition, request))
                {
                    owners[i] = s;
                    break;
                }
            }
            if (owners[i] < 0) return $"Unknown caveat '{caveats[i].Condition}'.";
        }

        for (var s = 0; s < satisfiers.Length; s++)
        {
            var count = 0;
            foreach (var owner in owners)
            {
                if (owner == s) count++;
            }
            string? failure;
            if (count == 0)
            {
                failure = satisfiers[s].CheckAbsent(request);
            }
            else
            {
                var occurrences = new Caveat[count];
                var next = 0;
                for (var i = 0; i < owners.Length; i++)
                {
                    if (owners[i] == s) occurrences[next++] = caveats[i];
                }
                failure = satisfiers[s].CheckSequence(occurrences, request);
            }
            if (failure is not null) return failure;
        }
        return null;
    }
}
