using Npgsql;

namespace L402Train.Runtime;

/// <summary>
/// Parses the store setting: <c>memory</c>, <c>sqlite:&lt;path&gt;</c> or <c>postgres:&lt;connection string&gt;</c>.
/// </summary>
public sealed record GrainStoreAddress(string Kind, string Target)
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "memory, sqlite:<path> or postgres:<connection string>";

    /// <summary>Parses <paramref name="value"/>; false with a reason when it is not one of <see cref="Forms"/>.</summary>
    public static bool TryParse(string? value, out GrainStoreAddress? address, out string? error)
    {
        address = null;
        error = null;
        var text = value?.Trim() ?? "";
        if (text.Equals("memory", StringComparison.OrdinalIgnoreCase))
        {
            address = new("memory", "");
            return true;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? text.ToLowerInvariant() : text[..colon].ToLowerInvariant();
        var target = colon < 0 ? "" : text[(colon + 1)..].Trim();
        switch (kind)
        {
            case "sqlite" when target.Length > 0:
                address = new("sqlite", target);
                return true;
            case "postgres" or "postgresql" when target.Length > 0:
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(target);
                }
                catch (ArgumentException ex)
                {
                    error = $"the PostgreSQL connection string is malformed ({ex.Message})";
                    return false;
                }
                address = new("postgres", target);
                return true;
            case "sqlite" or "postgres" or "postgresql":
                error = $"'{kind}:' needs a {(kind == "sqlite" ? "file path" : "connection string")} after the colon";
                return false;
            default:
                error = $"'{Describe(text)}' is not a store";
                return false;
        }
    }

    // Never echo a connection string (it may hold a password).
    private static string Describe(string text) => text.Length == 0 ? "(empty)" : text.Split(':')[0];

    /// <summary>Opens the store this address names (not yet migrated).</summary>
    public IGrainStore Open() => Kind switch
    {
        "memory" => new MemoryGrainStore(),
        "sqlite" => new SqliteGrainStore(Target),
        _ => new PostgresGrainStore(Target),
    };

    /// <inheritdoc/>
    public override string ToString() => Kind == "postgres" ? "postgres:(connection string)" : Kind == "memory" ? "memory" : $"sqlite:{Target}";
}
