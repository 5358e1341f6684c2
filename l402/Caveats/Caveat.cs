namespace L402Train.L402.Caveats;

/// <summary>
/// A first-party caveat in the L402 convention <c>condition=value</c>, split on the first
/// <c>=</c> only (the value may contain <c>=</c>) and never trimmed, as Aperture does.
/// </summary>
/// <param name="Condition">The part before the first <c>=</c>.</param>
/// <param name="Value">The rest.</param>
public readonly record struct Caveat(string Condition, string Value)
{
    /// <summary>Splits <paramref name="text"/>; false when it has no <c>=</c> or an empty condition.</summary>
    public static bool TryParse(string text, out Caveat caveat)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=');
        if (equals <= 0)
        {
            caveat = default;
            return false;
        }
        caveat = new Caveat(text[..equals], text[(equals + 1)..]);
        return true;
    }

    /// <summary><c>condition=value</c>.</summary>
    public override string ToString() => $"{Condition}={Value}";
}
