using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OurInconsistentState = L402Train.Runtime.InconsistentStateException;

namespace L402Train.Gateway.Apis;

/// <summary>
/// Turns cluster events that escape a grain call into answers a client can act on, never a 500:
/// a lost version race is 409 (retry the request on fresh state); a silo that died, a call that
/// timed out or a message the cluster refused is 503 with <c>Retry-After</c> (membership
/// re-activates the grain elsewhere within seconds), and so is a blob this node cannot read.
/// </summary>
public static class ClusterErrors
{
    /// <summary>Seconds a client waits before retrying after a 503 from a cluster event.</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary>Adds the mapping around every later middleware and endpoint.</summary>
    public static IApplicationBuilder UseClusterErrors(this IApplicationBuilder app) =>
        app.Use(next => async http =>
        {
            try
            {
                await next(http);
            }
            catch (Exception ex) when (Classify(ex) is { } answer && !http.Response.HasStarted)
            {
                http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(ClusterErrors))
                    .LogWarning(ex, "{Method} {Path} answered {Status}: {Reason}", http.Request.Method, http.Request.Path, answer.Status, ex.Message);
                http.Response.Clear();
                if (answer.Status == StatusCodes.Status503ServiceUnavailable)
                    http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await TypedResults.Problem(answer.Detail, statusCode: answer.Status, title: answer.Title).ExecuteAsync(http);
            }
        });

    /// <summary>The status a cluster event maps to, or null for any other exception (which stays a bug).</summary>
    public static (int Status, string Title, string Detail)? Classify(Exception exception)
    {
        // Orleans wraps a storage provider's exception in OrleansException: look through the chain.
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case InconsistentStateException or OurInconsistentState:
                    return (StatusCodes.Status409Conflict, "Conflict",
                        "Another request changed the same record at the same time; retry the request.");
                case L402Train.Runtime.BlobNotFoundException:
                    // The path and hash stay in the operator's log: a client learns only that this node cannot serve it now.
                    return (StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                        $"This coordinator node cannot read stored data the request needs; retry after {RetryAfterSeconds} seconds.");
                case SiloUnavailableException or OrleansMessageRejectionException or TimeoutException:
                    return (StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                        $"A coordinator node is unavailable or did not answer in time; retry after {RetryAfterSeconds} seconds.");
            }
        }
        return null;
    }
}
