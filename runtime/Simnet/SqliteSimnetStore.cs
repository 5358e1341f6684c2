using L402Train.Lightning.Simnet;
using Microsoft.Data.Sqlite;

namespace L402Train.Runtime.Simnet;

/// <summary>
/// Keeps the simnet's records in one SQLite file: one row per record (kind, key, JSON), each
/// operation's changes in a single transaction. WAL mode keeps writes cheap. It lives here, beside
/// the grain stores, so that lightning (and the peer-agent, which uses lightning's client types)
/// carries no database driver.
/// </summary>
public sealed class SqliteSimnetStore : ISimnetStore
{
    private readonly SqliteConnection connection;

    /// <summary>
    /// Opens (or creates, readable by its owner only) the file at <paramref name="path"/>; a file that is
    /// not a usable SQLite database throws <see cref="SimnetStateException"/> naming it and the fix.
    /// </summary>
    public SqliteSimnetStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Location = path;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        CreatePrivate(path);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            Execute("CREATE TABLE IF NOT EXISTS simnet_records (kind TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, key))");
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            // The same one line the network gives for a state it cannot load: the file and the way out.
            throw new SimnetStateException($"{path}: the stored simnet state cannot be opened ({e.Message.ReplaceLineEndings(" ")}); "
                + $"move the file aside (e.g. mv {path} {path}.bad) to start a fresh simnet", e);
        }
    }

    /// <inheritdoc />
    public string Location { get; }

    // The file holds every node's secret key and macaroon: create it readable by its owner only (SQLite
    // gives its -wal and -shm files the database file's mode), never with a moment where others could read it.
    private static void CreatePrivate(string path)
    {
        if (File.Exists(path) || OperatingSystem.IsWindows()) return;
        try
        {
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created by another opener in between: SQLite opens it as it is.
        }
    }

    /// <inheritdoc />
    public void Write(IReadOnlyCollection<SimnetStoreWrite> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0) return;
        using var transaction = connection.BeginTransaction();
        using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = "INSERT INTO simnet_records (kind, key, json) VALUES ($k, $key, $j) ON CONFLICT (kind, key) DO UPDATE SET json = excluded.json";
        var kindParameter = upsert.Parameters.Add("$k", SqliteType.Text);
        var keyParameter = upsert.Parameters.Add("$key", SqliteType.Text);
        var jsonParameter = upsert.Parameters.Add("$j", SqliteType.Text);
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM simnet_records WHERE kind = $k AND key = $key";
        var deleteKind = delete.Parameters.Add("$k", SqliteType.Text);
        var deleteKey = delete.Parameters.Add("$key", SqliteType.Text);
        foreach (var change in changes)
        {
            if (change.Json is null)
            {
                deleteKind.Value = change.Kind;
                deleteKey.Value = change.Key;
                delete.ExecuteNonQuery();
            }
            else
            {
                kindParameter.Value = change.Kind;
                keyParameter.Value = change.Key;
                jsonParameter.Value = change.Json;
                upsert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Load(string kind)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM simnet_records WHERE kind = $k ORDER BY key";
        command.Parameters.AddWithValue("$k", kind);
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read()) result.Add(reader.GetString(0));
        return result;
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public void Dispose() => connection.Dispose();
}
