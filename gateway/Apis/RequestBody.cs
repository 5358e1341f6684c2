using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace L402Train.Gateway.Apis;

/// <summary>Reads a request body up to a limit, answering 413 past it instead of buffering without bound.</summary>
internal static class RequestBody
{
    /// <summary>The bytes, or a problem to answer with.</summary>
    public sealed record Result(byte[]? Bytes, ProblemHttpResult? Problem);

    /// <summary>Reads at most <paramref name="limit"/> bytes.</summary>
    public static async Task<Result> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit) return TooLarge(limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return new Result(buffer.ToArray(), null);
    }

    private static Result TooLarge(long limit) =>
        new(null, TypedResults.Problem($"The body exceeds the limit of {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge));
}
