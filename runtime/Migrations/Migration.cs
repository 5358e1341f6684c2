namespace L402Train.Runtime;

/// <summary>One schema step. Versions only grow; an applied version is recorded and never re-run.</summary>
/// <param name="Version">Monotonic version number.</param>
/// <param name="Name">What the step does.</param>
/// <param name="Sql">The statements (run in one transaction).</param>
internal sealed record Migration(int Version, string Name, string Sql);

/// <summary>The schema of the grain runtime, per dialect.</summary>
internal static class RuntimeSchema
{
    public const string MigrationsTable = "grain_schema_migrations";

    public static IReadOnlyList<Migration> Postgres { get; } =
    [
        new(1, "grain state and jobs", """
            CREATE TABLE grain_state (
                grain_type text NOT NULL,
                grain_key text NOT NULL,
                state_name text NOT NULL,
                state jsonb,
                version bigint NOT NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (grain_type, grain_key, state_name));
            CREATE TABLE grain_jobs (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                type text NOT NULL,
                unique_key text NOT NULL,
                payload jsonb NOT NULL,
                state text NOT NULL CHECK (state IN ('available', 'running', 'completed', 'dead')),
                attempt int NOT NULL DEFAULT 0,
                max_attempts int NOT NULL CHECK (max_attempts > 0),
                run_at timestamptz NOT NULL,
                locked_by text,
                lease_until timestamptz,
                last_error text,
                created_at timestamptz NOT NULL,
                finished_at timestamptz,
                UNIQUE (type, unique_key));
            CREATE INDEX grain_jobs_due ON grain_jobs (run_at, id) WHERE state = 'available';
            CREATE INDEX grain_jobs_leases ON grain_jobs (lease_until) WHERE state = 'running';
            """),
        // Listing jobs of a type by state (the ledger check's pending fee checks) without reading the
        // completed ones, which stay forever because jobs are unique forever.
        new(2, "jobs by type and state", """
            CREATE INDEX IF NOT EXISTS grain_jobs_by_type_state ON grain_jobs (type, state, id);
            """),
        new(3, "orleans membership", OrleansMembershipSql),
    ];

    // The tables and named queries Orleans.Clustering.AdoNet 10.4.2 reads (docs/grains-runtime.md,
    // "Membership on PostgreSQL"): the same columns, query keys, parameters and results as Orleans'
    // PostgreSQL-Main.sql + PostgreSQL-Clustering.sql (the version with CleanupDefunctSiloEntriesKey and
    // timestamptz columns, without MetadataJson), written to be re-runnable over those official scripts:
    // tables IF NOT EXISTS, our own function names, query rows upserted. Each insert/update runs in a
    // sub-transaction so the membership row and the version row change together or not at all.
    private const string OrleansMembershipSql = """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey varchar(64) NOT NULL,
            QueryText varchar(8000) NOT NULL,
            CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey));
        CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable (
            DeploymentId varchar(150) NOT NULL,
            Timestamp timestamptz(3) NOT NULL DEFAULT now(),
            Version integer NOT NULL DEFAULT 0,
            CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId));
        CREATE TABLE IF NOT EXISTS OrleansMembershipTable (
            DeploymentId varchar(150) NOT NULL,
            Address varchar(45) NOT NULL,
            Port integer NOT NULL,
            Generation integer NOT NULL,
            SiloName varchar(150) NOT NULL,
            HostName varchar(150) NOT NULL,
            Status integer NOT NULL,
            ProxyPort integer NULL,
            SuspectTimes varchar(8000) NULL,
            StartTime timestamptz(3) NOT NULL,
            IAmAliveTime timestamptz(3) NOT NULL,
            CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
            CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId FOREIGN KEY (DeploymentId)
                REFERENCES OrleansMembershipVersionTable (DeploymentId));

        -- 1 when this call created the cluster's version row, 0 when it was there already.
        CREATE OR REPLACE FUNCTION l402train_membership_version_insert(p_deployment varchar)
            RETURNS integer LANGUAGE sql AS $$
            WITH created AS (
                INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (p_deployment)
                ON CONFLICT (DeploymentId) DO NOTHING RETURNING 1)
            SELECT count(*)::integer FROM created;
            $$;

        -- A silo's row joins only if the cluster's version is still the one the silo read.
        CREATE OR REPLACE FUNCTION l402train_membership_insert(
            p_deployment varchar, p_address varchar, p_port integer, p_generation integer,
            p_silo_name varchar, p_host_name varchar, p_status integer, p_proxy_port integer,
            p_start timestamptz, p_alive timestamptz, p_version integer)
            RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE n integer;
        BEGIN
            INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName,
                Status, ProxyPort, StartTime, IAmAliveTime)
            VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name,
                p_status, p_proxy_port, p_start, p_alive)
            ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n = 0 THEN RETURN 0; END IF;
            UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
            WHERE DeploymentId = p_deployment AND Version = p_version;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n = 0 THEN RAISE EXCEPTION USING ERRCODE = 'P0004'; END IF;
            RETURN 1;
        EXCEPTION WHEN assert_failure THEN
            -- The block's implicit savepoint undoes the insert: a stale version changes nothing.
            RETURN 0;
        END;
        $$;

        CREATE OR REPLACE FUNCTION l402train_membership_update(
            p_deployment varchar, p_address varchar, p_port integer, p_generation integer,
            p_status integer, p_suspect_times varchar, p_alive timestamptz, p_version integer)
            RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE n integer;
        BEGIN
            UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
            WHERE DeploymentId = p_deployment AND Version = p_version;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n = 0 THEN RETURN 0; END IF;
            UPDATE OrleansMembershipTable SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_alive
            WHERE DeploymentId = p_deployment AND Address = p_address AND Port = p_port AND Generation = p_generation;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n = 0 THEN RAISE EXCEPTION USING ERRCODE = 'P0004'; END IF;
            RETURN 1;
        EXCEPTION WHEN assert_failure THEN
            RETURN 0;
        END;
        $$;

        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('UpdateIAmAlivetimeKey', 'UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
            WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;'),
        ('InsertMembershipVersionKey', 'SELECT l402train_membership_version_insert(@DeploymentId);'),
        ('InsertMembershipKey', 'SELECT l402train_membership_insert(@DeploymentId, @Address, @Port, @Generation,
            @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),
        ('UpdateMembershipKey', 'SELECT l402train_membership_update(@DeploymentId, @Address, @Port, @Generation,
            @Status, @SuspectTimes, @IAmAliveTime, @Version);'),
        ('MembershipReadRowKey', 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
                m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
                AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId;'),
        ('MembershipReadAllKey', 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
                m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
            WHERE v.DeploymentId = @DeploymentId;'),
        ('DeleteMembershipTableEntriesKey', 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;'),
        ('GatewaysQueryKey', 'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;'),
        -- Status 3 is Active: defunct rows are the ones no longer active and silent since the cut-off.
        ('CleanupDefunctSiloEntriesKey', 'DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status != 3;')
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
        """;

    // SQLite keeps instants as Unix milliseconds (INTEGER) so comparisons are numeric.
    public static IReadOnlyList<Migration> Sqlite { get; } =
    [
        new(1, "grain state and jobs", """
            CREATE TABLE grain_state (
                grain_type TEXT NOT NULL,
                grain_key TEXT NOT NULL,
                state_name TEXT NOT NULL,
                state TEXT,
                version INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (grain_type, grain_key, state_name)) WITHOUT ROWID;
            CREATE TABLE grain_jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                type TEXT NOT NULL,
                unique_key TEXT NOT NULL,
                payload TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('available', 'running', 'completed', 'dead')),
                attempt INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
                run_at INTEGER NOT NULL,
                locked_by TEXT,
                lease_until INTEGER,
                last_error TEXT,
                created_at INTEGER NOT NULL,
                finished_at INTEGER,
                UNIQUE (type, unique_key));
            CREATE INDEX grain_jobs_due ON grain_jobs (run_at, id) WHERE state = 'available';
            CREATE INDEX grain_jobs_leases ON grain_jobs (lease_until) WHERE state = 'running';
            """),
        new(2, "jobs by type and state", """
            CREATE INDEX IF NOT EXISTS grain_jobs_by_type_state ON grain_jobs (type, state, id);
            """),
    ];
}
