using L402Train.Runtime;
using L402Train.Testing;
using Npgsql;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>
/// PostgreSQL migration 3: the membership tables and named queries Orleans.Clustering.AdoNet 10.4.2
/// reads, re-runnable over the official scripts, with membership writes that change the silo row and
/// the version row together or not at all.
/// </summary>
public sealed class MembershipMigrationTests
{
    // Every query key the 10.4.2 provider refuses to start without ("Not all required queries found").
    private static readonly string[] RequiredQueries =
    [
        "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey",
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_creates_every_query_the_clustering_provider_requires()
    {
        await using var schema = await PostgresDatabase.CreateSchemaAsync("members");
        await using var store = new PostgresGrainStore(schema.ConnectionString);

        await store.MigrateAsync(Ct);
        await store.MigrateAsync(Ct);

        Assert.Equal(RequiredQueries, await QueryKeysAsync(schema.ConnectionString));
        await store.CheckHealthAsync(Ct);
    }

    [Fact]
    public async Task Migrate_runs_over_tables_an_operator_created_with_the_official_scripts_and_keeps_their_rows()
    {
        await using var schema = await PostgresDatabase.CreateSchemaAsync("members");
        await ExecAsync(schema.ConnectionString, """
            CREATE TABLE OrleansQuery (QueryKey varchar(64) NOT NULL, QueryText varchar(8000) NOT NULL, CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey));
            INSERT INTO OrleansQuery VALUES ('GatewaysQueryKey', 'SELECT 1;');
            CREATE TABLE OrleansMembershipVersionTable (DeploymentId varchar(150) NOT NULL PRIMARY KEY, Timestamp timestamptz(3) NOT NULL DEFAULT now(), Version integer NOT NULL DEFAULT 0);
            INSERT INTO OrleansMembershipVersionTable (DeploymentId, Version) VALUES ('l402train', 7);
            """);
        await using var store = new PostgresGrainStore(schema.ConnectionString);

        await store.MigrateAsync(Ct);

        Assert.Equal(RequiredQueries, await QueryKeysAsync(schema.ConnectionString));
        Assert.Equal(7, await ScalarAsync(schema.ConnectionString, "SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = 'l402train'"));
    }

    [Fact]
    public async Task A_silo_joining_with_a_stale_membership_version_changes_nothing()
    {
        await using var schema = await PostgresDatabase.CreateSchemaAsync("members");
        await using var store = new PostgresGrainStore(schema.ConnectionString);
        await store.MigrateAsync(Ct);
        Assert.Equal(1, await ScalarAsync(schema.ConnectionString, "SELECT l402train_membership_version_insert('c')"));
        Assert.Equal(0, await ScalarAsync(schema.ConnectionString, "SELECT l402train_membership_version_insert('c')"));
        const string join = "SELECT l402train_membership_insert('c', '127.0.0.1', {0}, 1, 's', 'h', 3, 0, now(), now(), {1})";

        var stale = await ScalarAsync(schema.ConnectionString, string.Format(System.Globalization.CultureInfo.InvariantCulture, join, 11111, 5));
        var current = await ScalarAsync(schema.ConnectionString, string.Format(System.Globalization.CultureInfo.InvariantCulture, join, 11112, 0));

        Assert.Equal(0, stale);
        Assert.Equal(1, current);
        Assert.Equal(1, await ScalarAsync(schema.ConnectionString, "SELECT count(*)::int FROM OrleansMembershipTable"));
        Assert.Equal(1, await ScalarAsync(schema.ConnectionString, "SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = 'c'"));
        Assert.Equal(0, await ScalarAsync(schema.ConnectionString, "SELECT l402train_membership_update('c', '127.0.0.1', 11112, 1, 6, NULL, now(), 0)"));
        Assert.Equal(1, await ScalarAsync(schema.ConnectionString, "SELECT l402train_membership_update('c', '127.0.0.1', 11112, 1, 6, NULL, now(), 1)"));
        Assert.Equal(6, await ScalarAsync(schema.ConnectionString, "SELECT Status FROM OrleansMembershipTable"));
    }

    private static async Task<string[]> QueryKeysAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\"", conn);
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        var keys = new List<string>();
        while (await reader.ReadAsync(Ct)) keys.Add(reader.GetString(0));
        return [.. keys];
    }

    private static async Task<int> ScalarAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(Ct);
    }
}
