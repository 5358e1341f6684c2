using System.Globalization;

namespace L402Train.L402.Caveats;

/// <summary><c>services=a:0,b:1</c>: each later list ⊆ the earlier one; the request's service must be listed. Required.</summary>
public sealed class ServicesSatisfier : ICaveatSatisfier
{
    /// <inheritdoc />
    public bool Handles(string condition, AccessRequest request) => condition == L402CaveatNames.Services;

    /// <inheritdoc />
    public string? CheckSequence(IReadOnlyList<Caveat> occurrences, AccessRequest request)
    {
        HashSet<string>? previous = null;
        for (var n = 0; n < occurrences.Count; n++)
        {
            var value = occurrences[n].Value.AsSpan();
            var last = n == occurrences.Count - 1;
            HashSet<string>? current = last && previous is null ? null : new HashSet<string>(StringComparer.Ordinal);
            var listsService = false;
            foreach (var range in value.Split(','))
            {
                var entry = value[range];
                var colon = entry.LastIndexOf(':');
                if (colon <= 0 || !byte.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    return $"Malformed services entry '{entry}'.";
                var name = entry[..colon];
                if (name.SequenceEqual(request.Service)) listsService = true;
                current?.Add(name.ToString());
            }
            if (previous is not null && !current!.IsSubsetOf(previous)) return "A services caveat widens an earlier one.";
            if (last) return listsService ? null : $"The token is not for service '{request.Service}'.";
            previous = current;
        }
        return "The token names no service.";
    }

    /// <inheritdoc />
    public string? CheckAbsent(AccessRequest request) => "The token names no service.";
}

/// <summary><c>&lt;service&gt;_capabilities=a,b</c>: later lists ⊆ earlier; the capability must be listed. Absent ⇒ all.</summary>
public sealed class CapabilitiesSatisfier : ICaveatSatisfier
{
    /// <inheritdoc />
    public bool Handles(string condition, AccessRequest request) =>
        condition.Length == request.Service.Length + L402CaveatNames.CapabilitiesSuffix.Length
        && condition.StartsWith(request.Service, StringComparison.Ordinal)
        && condition.EndsWith(L402CaveatNames.CapabilitiesSuffix, StringComparison.Ordinal);

    /// <inheritdoc />
    public string? CheckSequence(IReadOnlyList<Caveat> occurrences, AccessRequest request)
    {
        string[]? previous = null;
        foreach (var caveat in occurrences)
        {
            var current = caveat.Value.Length == 0 ? [] : caveat.Value.Split(',');
            if (previous is not null && current.Any(c => !previous.Contains(c))) return "A capabilities caveat widens an earlier one.";
            previous = current;
        }
        return previous!.Contains(request.Capability) ? null : $"The token does not grant capability '{request.Capability}'.";
    }

    /// <inheritdoc />
    public string? CheckAbsent(AccessRequest request) => null;
}

/// <summary><c>&lt;service&gt;_valid_until=&lt;unix seconds&gt;</c>: never later than an earlier one; now must be before it.</summary>
public sealed class ValidUntilSatisfier : ICaveatSatisfier
{
    /// <inheritdoc />
    public bool Handles(string condition, AccessRequest request) =>
        condition.Length == request.Service.Length + L402CaveatNames.ValidUntilSuffix.Length
        && condition.StartsWith(request.Service, StringComparison.Ordinal)
        && condition.EndsWith(L402CaveatNames.ValidUntilSuffix, StringComparison.Ordinal);

    /// <inheritdoc />
    public string? CheckSequence(IReadOnlyList<Caveat> occurrences, AccessRequest request)
    {
        long? previous = null;
        var now = request.Now.ToUnixTimeSeconds();
        foreach (var caveat in occurrences)
        {
            if (!long.TryParse(caveat.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var until))
                return $"Malformed expiry '{caveat.Value}'.";
            if (previous is { } p && until > p) return "An expiry caveat extends an earlier one.";
            if (now >= until) return "The token has expired.";
            previous = until;
        }
        return null;
    }

    /// <inheritdoc />
    public string? CheckAbsent(AccessRequest request) => null;
}

/// <summary><c>mode=hold</c>: present exactly when the endpoint is a hold-mode endpoint.</summary>
public sealed class ModeSatisfier : ICaveatSatisfier
{
    /// <inheritdoc />
    public bool Handles(string condition, AccessRequest request) => condition == L402CaveatNames.Mode;

    /// <inheritdoc />
    public string? CheckSequence(IReadOnlyList<Caveat> occurrences, AccessRequest request)
    {
        foreach (var caveat in occurrences)
        {
            if (caveat.Value != L402CaveatNames.HoldMode) return $"Unknown mode '{caveat.Value}'.";
        }
        return request.Hold ? null : "A hold-mode token cannot pay for this endpoint.";
    }

    /// <inheritdoc />
    public string? CheckAbsent(AccessRequest request) => request.Hold ? "This endpoint needs a hold-mode token." : null;
}

/// <summary>
/// Scope caveats such as <c>round=7</c> or <c>bounty=b-12</c>: every occurrence must equal the
/// request's value. Responsible only for the keys the request's scope names; a scoped endpoint
/// refuses a token that is not bound to its scope.
/// </summary>
public sealed class ScopeSatisfier(string key) : ICaveatSatisfier
{
    /// <summary>The scope key.</summary>
    public string Key { get; } = key;

    /// <inheritdoc />
    public bool Handles(string condition, AccessRequest request) => condition == Key && request.ScopeValue(Key) is not null;

    /// <inheritdoc />
    public string? CheckSequence(IReadOnlyList<Caveat> occurrences, AccessRequest request)
    {
        var expected = request.ScopeValue(Key);
        foreach (var caveat in occurrences)
        {
            if (caveat.Value != expected) return $"The token is for {Key}={caveat.Value}, not {Key}={expected}.";
        }
        return null;
    }

    /// <inheritdoc />
    public string? CheckAbsent(AccessRequest request) =>
        request.ScopeValue(Key) is { } value ? $"The token is not bound to {Key}={value}." : null;
}
