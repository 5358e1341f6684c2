using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace L402Train.Gateway.Board;

/// <summary>
/// The board's static files (its script and style, and uPlot with its licence), embedded in this
/// assembly so a silo serves them from any working directory with no build step. URLs carry a
/// content hash, so browsers may cache them for good.
/// </summary>
internal static class BoardAssets
{
    private const string Prefix = "board/";

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType, string Hash)> Files = Load();

    /// <summary>The versioned URL of an asset (a path under <c>gateway/Board/Assets</c>).</summary>
    public static string Url(string name) =>
        Files.TryGetValue(name, out var file) ? $"/board/assets/{name}?v={file.Hash}" : throw new ArgumentException($"No board asset {name}.", nameof(name));

    /// <summary>Every asset's name.</summary>
    public static IEnumerable<string> Names => Files.Keys;

    /// <summary>Serves an asset: 404 for an unknown name, 304 when the browser holds this version.</summary>
    public static IResult Serve(string name, HttpContext http)
    {
        if (!Files.TryGetValue(name, out var file)) return Results.NotFound();
        var etag = $"\"{file.Hash}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (http.Request.Headers.IfNoneMatch == etag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(file.Bytes, file.ContentType);
    }

    private static FrozenDictionary<string, (byte[], string, string)> Load()
    {
        var assembly = typeof(BoardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[Prefix.Length..];
            files[name] = (bytes, ContentType(name), Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
}
