namespace L402Train.Silo.Demo;

/// <summary>One round of the demo, as <c>--report</c> writes it.</summary>
public sealed record DemoRound(
    int Round, double? LossBefore, double? LossAfter, int Submitted, int Accepted, IReadOnlyDictionary<string, int> Rejected,
    int DepositsRefunded, int DepositsForfeited, long RewardsPaidSat, double Seconds,
    double TrainSeconds, double CompressSeconds, double UploadSeconds, double ValidateSeconds, double AggregateSeconds);

/// <summary>One peer's outcome.</summary>
public sealed record DemoPeer(string Peer, string Profile, int Accepted, IReadOnlyDictionary<string, int> Verdicts, long RewardsSat, long DepositsForfeitedSat, long NetSat);

/// <summary>Measured figures of the run.</summary>
public sealed record DemoFigures(
    double ValidationOverheadPct, double SettleLatencyMsP50, double SettleLatencyMsP99, double MeanTrainSeconds, double MeanValidationMs,
    int PayloadBytesMean, double LossStart, double LossEnd);

/// <summary>The whole report.</summary>
public sealed record DemoReport(
    IReadOnlyList<DemoRound> Rounds, IReadOnlyList<DemoPeer> Peers, DemoFigures Figures, bool LedgerReconciled, long LedgerDifferenceSat,
    long LedgerInSat, long LedgerOutSat, double TotalSeconds);
