using System.Text.Json.Serialization;

namespace L402Train.Protocol.Inference;

/// <summary>A category of a listed service, as satring writes it.</summary>
public sealed record ServiceCategory(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("slug")] string Slug,
    [property: JsonPropertyName("description")] string Description);

/// <summary>
/// One paid service in satring's <c>ServiceOut</c> shape, plus what a client needs to pay it
/// without probing: <c>http_method</c>, <c>l402_mode</c>, <c>capability</c> and, for priced-per-request
/// services, <c>base_sat</c> and <c>msat_per_token</c>.
/// </summary>
public sealed record ListedService
{
    /// <summary>Position in this coordinator's list (satring's database id).</summary>
    [JsonPropertyName("id")] public required int Id { get; init; }
    /// <summary>Display name.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }
    /// <summary>Stable short name.</summary>
    [JsonPropertyName("slug")] public required string Slug { get; init; }
    /// <summary>The absolute URL that answers 402.</summary>
    [JsonPropertyName("url")] public required string Url { get; init; }
    /// <summary>What it sells.</summary>
    [JsonPropertyName("description")] public required string Description { get; init; }
    /// <summary>The price of one request in sats (for inference: at the default max_tokens).</summary>
    [JsonPropertyName("pricing_sats")] public required long PricingSats { get; init; }
    /// <summary><c>per-request</c> or <c>per-token</c> (satring's pricing_model).</summary>
    [JsonPropertyName("pricing_model")] public required string PricingModel { get; init; }
    /// <summary>Always <c>L402</c>.</summary>
    [JsonPropertyName("protocol")] public string Protocol { get; init; } = "L402";
    /// <summary>Who runs it.</summary>
    [JsonPropertyName("owner_name")] public string OwnerName { get; init; } = "l402train coordinator";
    /// <summary>No logo.</summary>
    [JsonPropertyName("logo_url")] public string LogoUrl { get; init; } = "";
    /// <summary>No ratings are kept by the service itself.</summary>
    [JsonPropertyName("avg_rating")] public double AvgRating { get; init; }
    /// <summary>No ratings are kept by the service itself.</summary>
    [JsonPropertyName("rating_count")] public int RatingCount { get; init; }
    /// <summary>Domain verification is a directory's business.</summary>
    [JsonPropertyName("domain_verified")] public bool DomainVerified { get; init; }
    /// <summary>Categories, e.g. <c>ai/inference</c>.</summary>
    [JsonPropertyName("categories")] public required IReadOnlyList<ServiceCategory> Categories { get; init; }
    /// <summary>When this coordinator started (its listing's age).</summary>
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The method that answers 402 (extension).</summary>
    [JsonPropertyName("http_method")] public required string HttpMethod { get; init; }
    /// <summary><c>standard</c> or <c>hold</c> (extension).</summary>
    [JsonPropertyName("l402_mode")] public string L402Mode { get; init; } = "standard";
    /// <summary>The capability caveat the token carries (extension).</summary>
    [JsonPropertyName("capability")] public required string Capability { get; init; }
    /// <summary>Base price of a per-token service (extension).</summary>
    [JsonPropertyName("base_sat"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? BaseSat { get; init; }
    /// <summary>Millisats per max_tokens of a per-token service (extension).</summary>
    [JsonPropertyName("msat_per_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? MsatPerToken { get; init; }
}

/// <summary>The answer of <c>GET /api/v1/services</c> (satring's <c>ServiceListOut</c>).</summary>
public sealed record ServiceList(
    [property: JsonPropertyName("services")] IReadOnlyList<ListedService> Services,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("page_size")] int PageSize);
