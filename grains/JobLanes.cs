namespace L402Train.Grains;

/// <summary>The job lanes the tracks put their CPU-bound jobs in (see <c>JobWorkerOptions.Lanes</c>).</summary>
public static class JobLanes
{
    /// <summary>Validation, aggregation and sandboxed evaluations: settles and refunds never wait behind them.</summary>
    public const string Compute = "compute";

    /// <summary>A worker's experiment runs: long CPU-bound runs never hold the runners settles need.</summary>
    public const string Experiments = "experiments";
}
