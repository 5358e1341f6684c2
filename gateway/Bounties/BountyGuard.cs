using System.Text.RegularExpressions;
using L402Train.Grains.Bounties.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Gateway.Bounties;

/// <summary>What a bounty route needs the bounty to be before anything is paid.</summary>
public enum BountyRequirement
{
    /// <summary>Any existing bounty.</summary>
    Exists,
    /// <summary>Funded (active or closed): its tree can be served.</summary>
    Funded,
    /// <summary>Active: it takes submissions.</summary>
    Active,
}

/// <summary>
/// An endpoint filter placed before the L402 gate: a malformed id is 400, an unknown bounty 404,
/// one in the wrong state 409, so nobody pays for a request that cannot succeed. The bounty's
/// state is handed to the handler through <see cref="HttpContext.Items"/>.
/// </summary>
public static partial class BountyGuard
{
    private const string ItemKey = "l402train.bounty";

    /// <summary>True for <c>b-</c> and 16 lowercase hex characters.</summary>
    public static bool IsBountyId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Adds the guard.</summary>
    public static TBuilder RequireBounty<TBuilder>(this TBuilder builder, BountyRequirement requirement) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var id = http.GetRouteValue("id") as string;
            if (!IsBountyId(id)) return TypedResults.Problem("A bounty id is 'b-' and 16 lowercase hex characters.", statusCode: StatusCodes.Status400BadRequest);
            var state = await http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IBountyGrain>(id!).GetAsync();
            if (state.Posted is null) return TypedResults.Problem($"No bounty {id}.", statusCode: StatusCodes.Status404NotFound);
            var wrong = (requirement, state.Status) switch
            {
                (BountyRequirement.Funded, BountyStatus.AwaitingFunding) => "The bounty is not funded yet.",
                (BountyRequirement.Active, BountyStatus.AwaitingFunding) => "The bounty is not funded yet; it takes submissions once active.",
                (BountyRequirement.Active, BountyStatus.Closed) => "The bounty is closed.",
                _ => null,
            };
            if (wrong is not null) return TypedResults.Problem(wrong, statusCode: StatusCodes.Status409Conflict);
            http.Items[ItemKey] = state;
            return await next(context);
        });

    /// <summary>The bounty the guard loaded for this request.</summary>
    public static BountyState Bounty(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items[ItemKey] as BountyState ?? throw new InvalidOperationException("The route has no bounty guard.");
    }

    [GeneratedRegex("^b-[0-9a-f]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
