namespace L402Train.Runtime;

/// <summary>One schema step. Versions only grow; an applied version is recorded and never re-run.</summary>
/// <param name="Version">Monotonic version number.</param>
/// <param name="Name">What the step does.</param>
/// <param name="Sql">The statements (run in one transaction).</param>
public sealed record Migration(int Version, string Name, string Sql);

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
    ];

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
