using System.Text.Json.Nodes;
using L402Train.L402.Gate;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace L402Train.Gateway.Apis;

/// <summary>
/// The OpenAPI document's L402 face and the request bodies handlers read themselves (<see cref="RequestBodyMetadata"/>): per operation <c>x-l402</c> (<c>{price_sats, mode, capability}</c>) and the 402
/// challenge it answers unpaid, and <c>x-status</c> (<c>live</c> for every mapped route; the document lists nothing planned).
/// </summary>
public static class L402OpenApi
{
    /// <summary>Adds the operation transformer.</summary>
    public static OpenApiOptions AddL402Extensions(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-status"] = new JsonNodeExtension(JsonValue.Create("live"));
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (operation.RequestBody is null && metadata.OfType<RequestBodyMetadata>().FirstOrDefault() is { } body)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [body.ContentType] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken) },
                    },
                };
            }
            if (metadata.OfType<L402Requirement>().FirstOrDefault() is not { } requirement)
                return;
            operation.Extensions["x-l402"] = new JsonNodeExtension(new JsonObject
            {
                ["price_sats"] = ApiCatalog.PriceOf(requirement, context.ApplicationServices),
                ["mode"] = ApiCatalog.ModeOf(requirement),
                ["capability"] = requirement.Capability,
            });
            operation.Responses ??= [];
            operation.Responses.TryAdd("402", new OpenApiResponse
            {
                Description = "Payment required: an L402 challenge in WWW-Authenticate; the problem body carries macaroon, invoice, payment_hash, amount_sats, mode and expires_at.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
            });
        });
    }
}
