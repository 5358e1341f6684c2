using System.Text;
using L402Train.Grains.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace L402Train.Gateway.Apis;

/// <summary>
/// <c>GET /corpus</c>: the training side of a corpus the coordinator cuts with its secret (the KJV),
/// so a peer trains on exactly what the validators left it. The held-out chapters are never served.
/// Free like <c>/status</c>; the ETag is the SHA-256 that <c>/status</c> announces as <c>corpus_sha256</c>.
/// </summary>
public static class CorpusApi
{
    /// <summary>Maps <c>GET /corpus</c> over <paramref name="corpus"/>.</summary>
    public static IEndpointRouteBuilder MapCorpusApi(this IEndpointRouteBuilder app, TrainingCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(corpus);
        // Encoded once: 4 MB served to every peer should not be re-encoded per request.
        var body = corpus.ServedText is { } text ? Encoding.UTF8.GetBytes(text) : null;
        var etag = corpus.Kjv is { } kjv ? $"\"{kjv.TrainingTextSha256}\"" : null;
        app.MapGet("/corpus", (HttpContext http) => Get(http, body, etag))
            .WithTags("training")
            .WithSummary("The training text (plain text, <|endoftext|> between documents) when the corpus is cut with the coordinator's secret; ETag is its SHA-256.");
        return app;
    }

    private static Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult> Get(HttpContext http, byte[]? body, string? etag)
    {
        if (body is null || etag is null)
        {
            return TypedResults.Problem("This run trains on the generated corpus, which every peer builds from /status (corpus_seed, corpus_stories); nothing to download.",
                statusCode: StatusCodes.Status404NotFound);
        }

        http.Response.Headers.ETag = etag;
        if (http.Request.Headers.IfNoneMatch.Any(v => v == etag || v == "*")) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.File(body, "text/plain; charset=utf-8");
    }
}
