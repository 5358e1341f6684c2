using System.Globalization;
using System.Text.Json;
using L402Train.Grains.Workers;
using L402Train.Protocol;
using L402Train.Protocol.Research;
using ExperimentState = L402Train.Grains.Workers.ExperimentState;
using WireState = L402Train.Protocol.Research.ExperimentState;

namespace L402Train.Gateway.Workers;

/// <summary>Experiment ids and the wire views of an experiment's state.</summary>
internal static class ExperimentViews
{
    /// <summary>
    /// <see cref="ProtocolJson.Options"/> without the dictionary key policy: an archive's metric names are
    /// written exactly as its command printed them.
    /// </summary>
    public static JsonSerializerOptions Json { get; } = new(ProtocolJson.Options) { DictionaryKeyPolicy = null };

    /// <summary>The public id: <c>exp-</c>, the filing date (yyyyMMdd) and the payment hash, so the id alone finds the experiment.</summary>
    public static string IdFor(string paymentHash, DateTimeOffset filedAt) =>
        $"exp-{filedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{paymentHash}";

    /// <summary>The payment hash in an experiment id (or a bare payment hash); null when it holds none.</summary>
    public static string? PaymentHashOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var hash = id.Length >= 64 ? id[^64..] : "";
        if (!hash.All(char.IsAsciiHexDigit) || hash.Length != 64) return null;
        return id.Length == 64 || (id.StartsWith("exp-", StringComparison.Ordinal) && id.Length == 64 + 13) ? hash.ToLowerInvariant() : null;
    }

    /// <summary>The relative URL of an experiment.</summary>
    public static string Location(string experimentId) => $"/experiment/{experimentId}";

    /// <summary>The view of a filed experiment.</summary>
    public static ExperimentView View(string paymentHash, ExperimentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var filing = state.Filing ?? throw new ArgumentException("The experiment was never filed.", nameof(state));
        var outcome = state.Outcome;
        return new ExperimentView
        {
            ExperimentId = filing.ExperimentId, State = StateOf(state.Stage),
            Kind = filing.Kind == ExperimentRunKind.Archive ? ExperimentKind.Archive : ExperimentKind.Trainer,
            WorkerId = filing.WorkerId, TrainHash = filing.TrainHash,
            Trainer = filing.Trainer is { } trainer ? ExperimentRequestReader.View(trainer) : null, Command = filing.Command,
            Metrics = outcome?.Metrics, ValBpb = outcome?.Metrics is { } metrics && metrics.TryGetValue("val_bpb", out var bpb) ? bpb : null,
            Error = outcome?.Error, ExitCode = outcome?.ExitCode, OutputTail = outcome?.OutputTail,
            PriceSats = filing.PriceSat.Value, PaymentHash = paymentHash, Payment = PaymentOf(state.Payment),
            SubmittedAt = state.SubmittedAt, StartedAt = state.StartedAt, FinishedAt = state.FinishedAt, RunSeconds = outcome?.RunSeconds,
        };
    }

    private static WireState StateOf(ExperimentStage stage) => stage switch
    {
        ExperimentStage.Queued => WireState.Queued,
        ExperimentStage.Running => WireState.Running,
        ExperimentStage.Completed => WireState.Completed,
        ExperimentStage.Failed => WireState.Failed,
        _ => WireState.Abandoned,
    };

    private static ExperimentPayment PaymentOf(ExperimentPaymentStage stage) => stage switch
    {
        ExperimentPaymentStage.Held => ExperimentPayment.Held,
        ExperimentPaymentStage.Settling or ExperimentPaymentStage.Settled => ExperimentPayment.Settled,
        _ => ExperimentPayment.Cancelled,
    };
}
