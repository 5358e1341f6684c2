using System.Text.Json;
using L402Train.Gateway.Apis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace L402Train.Gateway.Bounties;

/// <summary>Reads a bounded JSON body; a body past the limit is 413, anything unreadable 400 naming the problem.</summary>
internal static class JsonBody
{
    /// <summary>The value, or the problem to answer with.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, long limit, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestBody.ReadAsync(request, limit, cancellationToken);
        if (body.Problem is { } tooBig) return (null, tooBig);
        if (body.Bytes!.Length == 0) return (null, Bad("The body is empty: send a JSON object."));
        try
        {
            var value = JsonSerializer.Deserialize<T>(body.Bytes, HttpJson.Options);
            return value is null ? (null, Bad("The body must be a JSON object, not null.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Bad($"The body is not valid JSON for this request{(ex.Path is { } path ? $" at {path}" : "")}: {ex.Message}"));
        }
    }

    /// <summary>A 400 problem.</summary>
    public static ProblemHttpResult Bad(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);
}
