namespace L402Train.Silo.Hosting;

/// <summary>A setting that must never be printed (settings records print every member).</summary>
/// <param name="Value">The secret.</param>
internal sealed record SecretText(string Value)
{
    /// <inheritdoc/>
    public override string ToString() => "(hidden)";
}
