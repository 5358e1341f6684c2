using System.Text.Json.Serialization;

namespace L402Train.Protocol.Discovery;

/// <summary><c>GET /.well-known/ai.json</c>: structured metadata for agents.</summary>
/// <param name="Name">The service.</param>
/// <param name="Description">What it does.</param>
/// <param name="Url">Its base URL.</param>
/// <param name="Endpoints">Every operation with its price.</param>
/// <param name="PaymentMethods">How it is paid (<c>l402</c> over Lightning, standard and hold invoices).</param>
/// <param name="Contact">Where to ask.</param>
/// <param name="Documents">The other discovery documents, by name.</param>
public sealed record AiDocument(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<EndpointInfo> Endpoints,
    [property: JsonPropertyName("payment_methods")] IReadOnlyList<string> PaymentMethods,
    [property: JsonPropertyName("contact")] string Contact,
    [property: JsonPropertyName("documents")] IReadOnlyDictionary<string, string> Documents);

/// <summary>One operation the coordinator serves.</summary>
/// <param name="Method">GET, POST, PUT, …</param>
/// <param name="Path">Its route (<c>/bounty/{id}</c>).</param>
/// <param name="Summary">What it does.</param>
/// <param name="PriceSats">Its L402 price (the deposit for a hold invoice); null when free.</param>
/// <param name="Mode"><c>standard</c> or <c>hold</c>; null when free.</param>
/// <param name="Capability">The macaroon capability it requires; null when free.</param>
/// <param name="Status"><c>live</c> or <c>planned</c>.</param>
public sealed record EndpointInfo(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("price_sats")] long? PriceSats,
    [property: JsonPropertyName("mode")] string? Mode,
    [property: JsonPropertyName("capability")] string? Capability,
    [property: JsonPropertyName("status")] string Status);
