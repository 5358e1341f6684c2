using L402Train.Grains.Training;
using L402Train.L402.Challenges;
using L402Train.L402.Gate;
using L402Train.L402.Macaroons;
using L402Train.L402.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Gateway.Training;

/// <summary>
/// Wraps the checkpoint route outside its L402 gate: when the answer is a 402 challenge, a job is
/// queued for the moment its invoice expires, which records the fee if it was paid and its token
/// never used. (A used token records its fee at once.) Without it such a fee would be on the
/// node but not in the ledger, and <c>silo ledger check</c> would report the difference.
/// </summary>
public static class CheckpointFeeWatch
{
    // A little after the invoice stops being payable, so the node reports its final state.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    /// <summary>The endpoint filter; register it before <c>RequireL402</c> so it runs outside the gate.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        return result is IResult answer ? new Watched(answer) : result;
    }

    private sealed class Watched(IResult inner) : IResult
    {
        // Queued before the response starts, so a client holding the 402 knows the check exists.
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.OnStarting(() => QueueCheckAsync(httpContext));
            return inner.ExecuteAsync(httpContext);
        }

        private static async Task QueueCheckAsync(HttpContext httpContext)
        {
            if (httpContext.Response.StatusCode != StatusCodes.Status402PaymentRequired) return;
            var services = httpContext.RequestServices;
            var gate = services.GetRequiredService<L402Gate>();
            var silo = services.GetRequiredService<Grains.Runtime.Silo>();
            foreach (var challenge in L402Challenge.ParseAll(httpContext.Response.Headers.WWWAuthenticate.ToString()))
            {
                if (!Macaroon.TryFromBase64(challenge.Macaroon, out var macaroon, out _) || macaroon is null) continue;
                if (!TokenIdentifier.TryDecode(macaroon.Identifier.Span, out var identifier, out _) || identifier is null) continue;
                var expiresAt = gate.Time.GetUtcNow() + gate.Options.InvoiceExpiry + Margin;
                await silo.EnqueueJobAsync(CheckpointFees.CheckAtExpiry(identifier.PaymentHash, expiresAt), CancellationToken.None);
            }
        }
    }
}
