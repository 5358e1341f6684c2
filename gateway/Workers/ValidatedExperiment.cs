using L402Train.Grains.Workers;
using L402Train.Protocol.Research;

namespace L402Train.Gateway.Workers;

/// <summary>A checked <c>POST /experiment</c> body, ready to file once paid.</summary>
/// <param name="Kind">Which runner.</param>
/// <param name="Trainer">The resolved trainer settings (trainer experiments).</param>
/// <param name="TrainerView">The same settings as the wire record the result echoes.</param>
/// <param name="Archive">The decoded archive (archive experiments).</param>
/// <param name="Command">The archive's command.</param>
/// <param name="ConfigJson">The archive's <c>config.json</c>.</param>
/// <param name="TimeoutSeconds">The archive run's wall-clock limit.</param>
/// <param name="TrainHash"><c>sha256:</c> and the hex hash of what runs.</param>
internal sealed record ValidatedExperiment(
    ExperimentRunKind Kind, TrainerSettings? Trainer, TrainerConfig? TrainerView, byte[]? Archive, string? Command, string? ConfigJson,
    int TimeoutSeconds, string TrainHash);
