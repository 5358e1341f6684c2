using L402Train.L402.Caveats;
using L402Train.Lightning;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.L402.Gate;

/// <summary>
/// The endpoint filter behind <c>RequireL402</c>: answers 402 with a fresh challenge, 400 for a
/// malformed header, 409 for a reused hold token, 503 when the node cannot issue an invoice,
/// and otherwise puts the verified token on the <see cref="HttpContext"/> and runs the handler.
/// </summary>
internal sealed class L402EndpointFilter(L402Requirement requirement) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var gate = http.RequestServices.GetRequiredService<L402Gate>();
        var scope = Scope(http);

        var request = new AccessRequest(gate.Options.ServiceName, requirement.Capability, requirement.Mode == L402Mode.Hold, scope, gate.Time.GetUtcNow());
        L402Verification verdict;
        try
        {
            verdict = await gate.VerifyAuthorizationAsync(http.Request.Headers.Authorization, request, http.RequestAborted);
        }
        catch (LightningException e)
        {
            // Only hold tokens reach the node here (their invoice must be ACCEPTED).
            return new L402Problem(StatusCodes.Status503ServiceUnavailable, "Lightning node unavailable", $"The deposit could not be checked: {e.Message}");
        }
        switch (verdict.Outcome)
        {
            case L402Outcome.Accepted:
                http.Features.Set(verdict.Token);
                return await next(context);
            case L402Outcome.AlreadyUsed:
                return new L402Problem(StatusCodes.Status409Conflict, "L402 token already used", verdict.Reason!);
            case L402Outcome.Malformed:
                return new L402Problem(StatusCodes.Status400BadRequest, "Malformed L402 credential", verdict.Reason!);
            default:
                break;
        }
        var reason = verdict.Reason!;

        try
        {
            var price = await requirement.Price(http);
            var challenge = await gate.IssueChallengeAsync(price, requirement.Capability, requirement.Mode, scope, http.RequestAborted);
            return new L402Problem(StatusCodes.Status402PaymentRequired, "Payment Required", reason, challenge);
        }
        catch (LightningException e)
        {
            return new L402Problem(StatusCodes.Status503ServiceUnavailable, "Lightning node unavailable", $"No invoice could be issued: {e.Message}");
        }
    }

    private List<KeyValuePair<string, string>> Scope(HttpContext http) =>
        requirement.Scope is null ? [] : [.. requirement.Scope(http).Select(p => KeyValuePair.Create(p.Key, p.Value))];
}
