using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace L402Train.Lightning.Simnet;

/// <summary>
/// Persists the simnet's records in one SQLite file: one row per record (kind, key, JSON), written
/// in a single transaction at the end of every operation, so a crash loses at most the operation
/// in progress and never half of one. WAL mode keeps writes cheap.
/// </summary>
internal sealed class SimnetStore : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SqliteConnection connection;
    private readonly Dictionary<(string Kind, string Key), string?> pending = [];

    public SimnetStore(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        CreatePrivate(path);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute("CREATE TABLE IF NOT EXISTS simnet_records (kind TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, key))");
    }

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

    public void Put<T>(string kind, string key, T record) => pending[(kind, key)] = JsonSerializer.Serialize(record, Json);

    public void Delete(string kind, string key) => pending[(kind, key)] = null;

    public void Flush()
    {
        if (pending.Count == 0) return;
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
        foreach (var ((kind, key), json) in pending)
        {
            if (json is null)
            {
                deleteKind.Value = kind;
                deleteKey.Value = key;
                delete.ExecuteNonQuery();
            }
            else
            {
                kindParameter.Value = kind;
                keyParameter.Value = key;
                jsonParameter.Value = json;
                upsert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        pending.Clear();
    }

    public List<T> Load<T>(string kind)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM simnet_records WHERE kind = $k ORDER BY key";
        command.Parameters.AddWithValue("$k", kind);
        using var reader = command.ExecuteReader();
        var result = new List<T>();
        while (reader.Read()) result.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), Json)!);
        return result;
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => connection.Dispose();
}
