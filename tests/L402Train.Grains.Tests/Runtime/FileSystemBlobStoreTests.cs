using System.Security.Cryptography;
using L402Train.Runtime;

namespace L402Train.Grains.Tests.Runtime;

public sealed class FileSystemBlobStoreTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-blobs-");

    public void Dispose() => dir.Delete(recursive: true);

    private static byte[] Bytes(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed))];

    [Fact]
    public async Task A_blob_is_stored_under_the_sha256_of_its_bytes_and_reads_back_identically()
    {
        var store = new FileSystemBlobStore(dir.FullName);
        var content = Bytes(200_000, 7);

        var hash = await store.PutAsync(new MemoryStream(content));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), hash.ToString());
        await using var read = await store.OpenReadAsync(hash);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task Storing_the_same_bytes_concurrently_keeps_one_file_and_no_temporaries()
    {
        var store = new FileSystemBlobStore(dir.FullName);
        var content = Bytes(50_000, 3);

        var hashes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.PutAsync(new MemoryStream(content)))));

        Assert.Single(hashes.Distinct());
        Assert.Single(Directory.GetFiles(dir.FullName, hashes[0].ToString(), SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.FullName, "tmp")));
    }

    [Fact]
    public async Task A_blob_over_the_limit_is_refused_and_leaves_nothing_behind()
    {
        var store = new FileSystemBlobStore(dir.FullName, maxBlobBytes: 1000);

        await Assert.ThrowsAsync<BlobTooLargeException>(() => store.PutAsync(new MemoryStream(Bytes(1001, 1))));

        Assert.Empty(Directory.GetFiles(dir.FullName, "*", SearchOption.AllDirectories));
        Assert.True(store.Exists(await store.PutAsync(new MemoryStream(Bytes(1000, 1)))));
    }

    [Fact]
    public async Task Opening_an_unknown_blob_says_so()
    {
        var store = new FileSystemBlobStore(dir.FullName);

        var missing = await Assert.ThrowsAsync<BlobNotFoundException>(() => store.OpenReadAsync(ContentHash.Of([1, 2, 3])));
        Assert.Equal(ContentHash.Of([1, 2, 3]), missing.Hash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("../../../../etc/passwd00000000000000000000000000000000000000000000")]
    public void Malformed_hashes_are_rejected(string text) => Assert.False(ContentHash.TryParse(text, out _));

    [Fact]
    public void Hashes_parse_in_any_case_to_lowercase()
    {
        var hash = ContentHash.Of([9]);

        Assert.True(ContentHash.TryParse(hash.ToString().ToUpperInvariant(), out var parsed));
        Assert.Equal(hash, parsed);
    }
}
