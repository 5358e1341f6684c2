using System.Text.Json.Serialization;

namespace L402Train.Protocol.Research;

/// <summary>
/// The <c>202 Accepted</c> body of <c>POST /experiment</c> (also sent as the <c>Location</c> header): the
/// experiment runs on; <c>GET {location}?wait=30</c> long-polls its <see cref="ExperimentView"/>.
/// </summary>
/// <param name="ExperimentId">The worker's id of the experiment: <c>exp-yyyyMMdd-</c> and the 64 hex digits of the payment hash, so the id alone finds it.</param>
/// <param name="Location">The relative URL of the experiment, <c>/experiment/{experiment_id}</c>.</param>
/// <param name="State">The state when answered: <c>queued</c> or <c>running</c>.</param>
/// <param name="PaymentHash">The hold invoice's payment hash (hex): settled on delivery, cancelled when the worker fails to deliver.</param>
public sealed record ExperimentAccepted(
    [property: JsonPropertyName("experiment_id")] string ExperimentId,
    [property: JsonPropertyName("location")] string Location,
    [property: JsonPropertyName("state")] ExperimentState State,
    [property: JsonPropertyName("payment_hash")] string PaymentHash);
