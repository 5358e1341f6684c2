using System.Text.RegularExpressions;
using L402Train.L402.Gate;
using L402Train.Protocol.Discovery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace L402Train.Gateway.Apis;

/// <summary>
/// Every operation the running app maps, read from its endpoint data source with the L402 requirement each carries:
/// the one list the discovery documents (<c>/llms.txt</c>, <c>/.well-known/ai.json</c>) and the OpenAPI extensions
/// are written from, so none can list a route or a price the app does not serve.
/// </summary>
internal static partial class ApiCatalog
{
    /// <summary>The operations of <paramref name="source"/>, by path then method (those excluded from the API description left out).</summary>
    public static IReadOnlyList<EndpointInfo> Endpoints(EndpointDataSource source, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(source);
        var list = new List<EndpointInfo>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods || endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
                continue;
            var requirement = endpoint.Metadata.GetMetadata<L402Requirement>();
            foreach (var method in methods.HttpMethods)
            {
                list.Add(new EndpointInfo(method, PathOf(endpoint.RoutePattern.RawText ?? "/"), endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary,
                    requirement is null ? null : PriceOf(requirement, services), requirement is null ? null : ModeOf(requirement),
                    requirement?.Capability, "live"));
            }
        }
        return [.. list.OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)];
    }

    /// <summary>A route as OpenAPI writes it: leading slash, no parameter constraints (<c>/rounds/{n:int}</c> → <c>/rounds/{n}</c>).</summary>
    public static string PathOf(string routePattern)
    {
        ArgumentNullException.ThrowIfNull(routePattern);
        return "/" + Constraint().Replace(routePattern, "{$1}").TrimStart('/');
    }

    /// <summary>The requirement's price when it is fixed (the price function ignores the request); null when it depends on it.</summary>
    public static long? PriceOf(L402Requirement requirement, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        try
        {
            var price = requirement.Price(new DefaultHttpContext { RequestServices = services });
            return price.IsCompletedSuccessfully ? price.Result.Value : null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException or ArgumentException)
        {
            // A price computed from the request (a route value, a body) has no single figure to publish.
            return null;
        }
    }

    /// <summary><c>standard</c> or <c>hold</c>.</summary>
    public static string ModeOf(L402Requirement requirement)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        return requirement.Mode == L402Mode.Hold ? "hold" : "standard";
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Constraint();
}
