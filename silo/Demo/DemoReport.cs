namespace L402Train.Silo.Demo;

/// <summary>One round of the demo, as <c>--report</c> writes it.</summary>
internal sealed record DemoRound(
    int Round, double? LossBefore, double? LossAfter, int Submitted, int Accepted, IReadOnlyDictionary<string, int> Rejected,
    int DepositsRefunded, int DepositsForfeited, long RewardsPaidSat, double Seconds,
    double TrainSeconds, double CompressSeconds, double UploadSeconds, double ValidateSeconds, double AggregateSeconds);

/// <summary>One peer's outcome.</summary>
internal sealed record DemoPeer(string Peer, string Profile, int Accepted, IReadOnlyDictionary<string, int> Verdicts, long RewardsSat, long DepositsForfeitedSat, long NetSat);

/// <summary>Measured figures of the run.</summary>
/// <param name="ValidationOverheadPct">Validator CPU per scored submission over an honest peer's training CPU (thread CPU time both).</param>
/// <param name="SettleLatencyMsP50">Median time from verdict to the deposit resolved (settled or cancelled).</param>
/// <param name="SettleLatencyMsP99">99th percentile of the same.</param>
/// <param name="MeanTrainSeconds">An honest peer's wall time for its K steps.</param>
/// <param name="MeanTrainCpuMs">An honest peer's CPU time for its K steps.</param>
/// <param name="MeanValidationCpuMs">Validator CPU per scored submission.</param>
/// <param name="PayloadBytesMean">Mean upload size.</param>
/// <param name="LossStart">Held-out loss before round 1.</param>
/// <param name="LossEnd">Held-out loss after the last round.</param>
internal sealed record DemoFigures(
    double ValidationOverheadPct, double SettleLatencyMsP50, double SettleLatencyMsP99, double MeanTrainSeconds, double MeanTrainCpuMs,
    double MeanValidationCpuMs, int PayloadBytesMean, double LossStart, double LossEnd)
{
    /// <summary>The same overhead over rounds 2 and later, once the validator's one-time JIT and set-up are paid.</summary>
    public double ValidationOverheadPctAfterRound1 { get; init; }
}

/// <summary>The whole report.</summary>
internal sealed record DemoReport(
    IReadOnlyList<DemoRound> Rounds, IReadOnlyList<DemoPeer> Peers, DemoFigures Figures, bool LedgerReconciled, long LedgerDifferenceSat,
    long LedgerInSat, long LedgerOutSat, double TotalSeconds);
