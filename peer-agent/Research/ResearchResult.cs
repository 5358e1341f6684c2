using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace L402Train.PeerAgent.Research;

/// <summary>
/// One line of the research loop's <c>results.jsonl</c>, seed 004's provenance record on Lightning:
/// <c>payment_hash</c> and <c>preimage</c> stand where the seed has <c>payment_tx</c>, and the invoice
/// and the probed price travel with them so anyone can check the line offline
/// (<see cref="ResearchResultCheck"/>).
/// </summary>
/// <param name="ExperimentId">The worker's experiment id.</param>
/// <param name="TrainHash"><c>sha256:&lt;hex&gt;</c> of what ran, as the worker reported it and the loop checked it (<see cref="ResearchExperiment.ExpectedTrainHash"/>).</param>
/// <param name="ValBpb">The run's validation bits per byte, when it reported one.</param>
/// <param name="Metrics">Every metric the run reported.</param>
/// <param name="WorkerEndpoint">The experiment URL that ran it.</param>
/// <param name="WorkerAgentId">The worker's id in the index.</param>
/// <param name="WorkerNode">The worker's Lightning node key (hex) from its signed registration.</param>
/// <param name="Timestamp">When the result was recorded (UTC).</param>
/// <param name="PaymentHash">The hold invoice's payment hash (hex).</param>
/// <param name="Preimage">Its preimage (hex): the worker settled, so the run was delivered and paid.</param>
/// <param name="Invoice">The BOLT11 hold invoice that was paid.</param>
/// <param name="PriceSats">The price the probe read before paying.</param>
/// <param name="Round">The loop's round (1-based).</param>
/// <param name="Move">What THINK changed for this run (e.g. <c>learning_rate x1.5</c>), or <c>baseline</c>.</param>
/// <param name="Config">The trainer config (or archive overrides) that ran.</param>
/// <param name="Status"><c>succeeded</c>, or <c>failed</c> when the experiment's own code failed (still a delivered, paid result).</param>
public sealed record ResearchResult(
    [property: JsonPropertyName("experiment_id")] string ExperimentId,
    [property: JsonPropertyName("train_hash")] string TrainHash,
    [property: JsonPropertyName("val_bpb")] double? ValBpb,
    [property: JsonPropertyName("metrics")] JsonObject? Metrics,
    [property: JsonPropertyName("worker_endpoint")] string WorkerEndpoint,
    [property: JsonPropertyName("worker_agent_id")] string WorkerAgentId,
    [property: JsonPropertyName("worker_node")] string? WorkerNode,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("payment_hash")] string PaymentHash,
    [property: JsonPropertyName("preimage")] string Preimage,
    [property: JsonPropertyName("invoice")] string Invoice,
    [property: JsonPropertyName("price_sats")] long PriceSats,
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("move")] string Move,
    [property: JsonPropertyName("config")] JsonObject? Config,
    [property: JsonPropertyName("status")] string Status);
