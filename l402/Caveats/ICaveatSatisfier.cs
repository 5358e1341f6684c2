namespace L402Train.L402.Caveats;

/// <summary>
/// Checks one kind of caveat. <see cref="CheckSequence"/> sees every occurrence of its condition
/// in token order, so it can require later caveats to narrow earlier ones (Aperture's
/// previous→current rule) and the final ones to admit the request.
/// </summary>
public interface ICaveatSatisfier
{
    /// <summary>True when this satisfier is responsible for <paramref name="condition"/> in this request.</summary>
    bool Handles(string condition, AccessRequest request);

    /// <summary>Null when the occurrences admit the request; otherwise why not.</summary>
    string? CheckSequence(IReadOnlyList<Caveat> occurrences, AccessRequest request);

    /// <summary>Null when a token without this caveat is acceptable; otherwise why not.</summary>
    string? CheckAbsent(AccessRequest request);
}
