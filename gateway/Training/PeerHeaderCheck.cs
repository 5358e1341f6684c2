using L402Train.Gateway.Apis;
using Microsoft.AspNetCore.Http;

namespace L402Train.Gateway.Training;

/// <summary>
/// The rule for a peer's name, checked on the <c>X-L402Train-Peer</c> header before the L402 gate
/// takes the deposit: a request that is bad before its body is read costs nothing and locks nothing.
/// </summary>
internal static class PeerHeaderCheck
{
    /// <summary>The longest peer name, in characters.</summary>
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="peerId"/> is not a valid name, or null.</summary>
    public static string? Problem(string? peerId) => peerId switch
    {
        null or { Length: 0 } => $"The peer id ({TrainingApi.PeerHeader}, or the payload's peer) must be 1 to {MaxLength} characters.",
        { Length: > MaxLength } => $"The peer id ({TrainingApi.PeerHeader}, or the payload's peer) is {peerId.Length} characters; the most is {MaxLength}.",
        _ when peerId.Any(char.IsControl) => $"The peer id ({TrainingApi.PeerHeader}, or the payload's peer) must not contain control characters.",
        _ => null,
    };

    /// <summary>An endpoint filter placed before the L402 gate: 400 for a bad header, before any deposit is consumed.</summary>
    public static async ValueTask<object?> BeforeDeposit(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var headers = context.HttpContext.Request.Headers[TrainingApi.PeerHeader];
        if (headers.Count > 1)
            return TypedResultsProblem($"Send one {TrainingApi.PeerHeader} header, not {headers.Count}.");
        if (headers.Count == 1 && Problem(headers[0]) is { } problem) return TypedResultsProblem(problem);
        return await next(context);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TypedResultsProblem(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: $"Bad {TrainingApi.PeerHeader} header");
}
