using System.Diagnostics;
using L402Train.Testing;
using Npgsql;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>
/// The rule "PostgreSQL tests skip on a developer box but fail in CI" is checked by running a
/// PostgreSQL test in a child test process with the environment controlled.
/// </summary>
public sealed class PostgresFixtureTests
{
    [Fact]
    public async Task Postgres_is_reachable_when_configured()
    {
        await using var conn = new NpgsqlConnection(PostgresDatabase.ConnectionStringOrSkip());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT 1", conn);
        Assert.Equal(1, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_postgres_test_fails_rather_than_skips_in_ci_without_a_database()
    {
        var (exitCode, output) = await RunProbeAsync(ci: "true");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Failed: 1", output, StringComparison.Ordinal);
        Assert.Contains("CI=true", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_postgres_test_skips_outside_ci_without_a_database()
    {
        var (exitCode, output) = await RunProbeAsync(ci: null);

        Assert.Equal(0, exitCode);
        Assert.Contains("Skipped: 1", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunProbeAsync(string? ci)
    {
        var assembly = typeof(PostgresFixtureTests).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet", ["exec", assembly, "-method", $"{typeof(PostgresFixtureTests).FullName}.{nameof(Postgres_is_reachable_when_configured)}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment.Remove(PostgresDatabase.Variable);
        if (ci is null) psi.Environment.Remove("CI");
        else psi.Environment["CI"] = ci;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
