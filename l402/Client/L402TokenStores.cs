using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.L402.Client;

/// <summary>A paid token the client may present again until it expires.</summary>
/// <param name="Macaroon">The macaroon, base64 as the server sent it.</param>
/// <param name="Preimage">The preimage, lowercase hex.</param>
/// <param name="ExpiresAt">When the token's <c>valid_until</c> caveat (or the default lifetime) ends.</param>
public sealed record L402CachedToken(
    [property: JsonPropertyName("macaroon")] string Macaroon,
    [property: JsonPropertyName("preimage")] string Preimage,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);

/// <summary>Paid tokens keyed by host and capability.</summary>
public interface IL402TokenStore
{
    /// <summary>The token for <paramref name="key"/>, or null.</summary>
    ValueTask<L402CachedToken?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) a token.</summary>
    ValueTask SetAsync(string key, L402CachedToken token, CancellationToken cancellationToken = default);

    /// <summary>Forgets a token (the server refused it).</summary>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>Tokens in memory, for the life of the process.</summary>
public sealed class InMemoryL402TokenStore : IL402TokenStore
{
    private readonly ConcurrentDictionary<string, L402CachedToken> tokens = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<L402CachedToken?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(tokens.GetValueOrDefault(key));

    /// <inheritdoc />
    public ValueTask SetAsync(string key, L402CachedToken token, CancellationToken cancellationToken = default)
    {
        tokens[key] = token;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        tokens.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Tokens in one JSON file (<c>{"key": {"macaroon", "preimage", "expires_at"}}</c>) so a
/// restarted agent keeps what it paid for. Writes go to a temporary file that replaces the old
/// one, so a crash never leaves a half-written store. The file holds preimages: keep it private.
/// </summary>
public sealed class JsonFileL402TokenStore(string path) : IL402TokenStore
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The file.</summary>
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <inheritdoc />
    public async ValueTask<L402CachedToken?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return (await ReadAsync(cancellationToken)).GetValueOrDefault(key);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string key, L402CachedToken token, CancellationToken cancellationToken = default) =>
        UpdateAsync(all => all[key] = token, cancellationToken);

    /// <inheritdoc />
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        UpdateAsync(all => all.Remove(key), cancellationToken);

    private async ValueTask UpdateAsync(Action<Dictionary<string, L402CachedToken>> change, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var all = await ReadAsync(cancellationToken);
            change(all);
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
            Directory.CreateDirectory(directory);
            var temporary = Path + ".tmp";
            await using (var stream = File.Create(temporary))
            {
                await JsonSerializer.SerializeAsync(stream, all, cancellationToken: cancellationToken);
            }
            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Dictionary<string, L402CachedToken>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path)) return new(StringComparer.Ordinal);
        await using var stream = File.OpenRead(Path);
        return await JsonSerializer.DeserializeAsync<Dictionary<string, L402CachedToken>>(stream, cancellationToken: cancellationToken)
            ?? new(StringComparer.Ordinal);
    }
}
