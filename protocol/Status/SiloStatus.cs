using System.Text.Json.Serialization;
using L402Train.Protocol.Training;

namespace L402Train.Protocol.Status;

/// <summary>What <c>GET /status</c> answers.</summary>
/// <param name="Version">The build's version.</param>
/// <param name="Store">memory, sqlite or postgres.</param>
/// <param name="SiloId">The silo that answered.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Training">The training run (when the silo hosts the training track and it has started).</param>
public sealed record SiloStatus(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("store")] string Store,
    [property: JsonPropertyName("silo_id")] string SiloId,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("training")] TrainingStatusView? Training = null);

/// <summary>What <c>/alive</c> and <c>/health</c> answer.</summary>
/// <param name="Status">alive, ready or unavailable.</param>
/// <param name="Detail">Why it is unavailable.</param>
public sealed record HealthStatus(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("detail")] string? Detail = null);
