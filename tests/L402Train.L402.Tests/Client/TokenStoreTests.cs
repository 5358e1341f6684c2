using L402Train.L402.Client;
using Xunit;

namespace L402Train.L402.Tests.Client;

public sealed class TokenStoreTests
{
    private static readonly L402CachedToken Token = new("AgE=", new string('a', 64), DateTimeOffset.FromUnixTimeSeconds(1_900_000_000));

    public static TheoryData<string> Kinds => ["memory", "file"];

    private static IL402TokenStore Create(string kind, string path) =>
        kind == "memory" ? new InMemoryL402TokenStore() : new JsonFileL402TokenStore(path);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Stores_replaces_and_removes_tokens_by_key(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(Path.GetTempPath(), $"l402-tokens-{Guid.NewGuid():N}", "tokens.json");
        var store = Create(kind, path);
        Assert.Null(await store.GetAsync("http://a|checkpoint", ct));
        await store.SetAsync("http://a|checkpoint", Token, ct);
        await store.SetAsync("http://a|gradient", Token with { Macaroon = "AgI=" }, ct);
        Assert.Equal(Token, await store.GetAsync("http://a|checkpoint", ct));
        await store.SetAsync("http://a|checkpoint", Token with { Preimage = new string('b', 64) }, ct);
        Assert.Equal(new string('b', 64), (await store.GetAsync("http://a|checkpoint", ct))!.Preimage);
        await store.RemoveAsync("http://a|checkpoint", ct);
        Assert.Null(await store.GetAsync("http://a|checkpoint", ct));
        Assert.Equal("AgI=", (await store.GetAsync("http://a|gradient", ct))!.Macaroon);
    }

    [Fact]
    public async Task The_file_store_survives_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(Path.GetTempPath(), $"l402-tokens-{Guid.NewGuid():N}.json");
        try
        {
            await new JsonFileL402TokenStore(path).SetAsync("k", Token, ct);
            Assert.Equal(Token, await new JsonFileL402TokenStore(path).GetAsync("k", ct));
            Assert.Contains("\"expires_at\"", await File.ReadAllTextAsync(path, ct));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
