using Npgsql;
using Xunit;

namespace L402Train.Testing;

/// <summary>
/// Where the tests find PostgreSQL: the connection string in <c>L402TRAIN_TEST_POSTGRES</c>
/// (exported by <c>.ci/run</c>). On a developer box without it, PostgreSQL tests skip; in CI
/// (<c>CI=true</c>) they fail, so a missing database can never turn the suite green.
/// </summary>
public static class PostgresDatabase
{
    public const string Variable = "L402TRAIN_TEST_POSTGRES";

    /// <summary>The configured connection string, or skips (fails in CI) when there is none.</summary>
    public static string ConnectionStringOrSkip()
    {
        var cs = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(cs)) return cs;
        if (IsCi)
            Assert.Fail($"{Variable} is not set but CI=true: PostgreSQL tests must run in CI (.ci/run exports it).");
        Assert.Skip($"PostgreSQL not configured: set {Variable} to run this test.");
        return "";
    }

    /// <summary>True when running under CI (environment variable CI=true or 1).</summary>
    public static bool IsCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>
    /// A fresh schema for one test, so tests share one database safely; the connection string
    /// returned sets <c>Search Path</c> to it. Dropped when disposed.
    /// </summary>
    public static async Task<TemporarySchema> CreateSchemaAsync(string prefix = "t")
    {
        var cs = ConnectionStringOrSkip();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)].ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var scoped = new NpgsqlConnectionStringBuilder(cs) { SearchPath = name }.ConnectionString;
        return new TemporarySchema(cs, name, scoped);
    }
}

/// <summary>A schema created for one test; dropping it removes everything the test wrote.</summary>
public sealed class TemporarySchema(string adminConnectionString, string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;
    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(adminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
