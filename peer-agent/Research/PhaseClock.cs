namespace L402Train.PeerAgent.Research;

/// <summary>The parts of a round the loop times: overhead (discovery, probe, payment, settle, publish) against the run.</summary>
public enum Phase
{
    /// <summary>Reading the index.</summary>
    Discovery,

    /// <summary>Reading the workers' 402s.</summary>
    Probe,

    /// <summary>Locking the hold invoice and getting the 202.</summary>
    Payment,

    /// <summary>The worker's run, as the long-poll sees it.</summary>
    Run,

    /// <summary>From the delivered result to the preimage.</summary>
    Settle,

    /// <summary>Writing the line and the state.</summary>
    Publish,
}

/// <summary>Adds up the time spent in each <see cref="Phase"/> of one round, on the loop's <see cref="TimeProvider"/>.</summary>
public sealed class PhaseClock(TimeProvider time)
{
    private readonly Dictionary<Phase, TimeSpan> spent = [];

    /// <summary>The time spent in <paramref name="phase"/> so far.</summary>
    public TimeSpan this[Phase phase] => spent.GetValueOrDefault(phase);

    /// <summary>Runs <paramref name="work"/>, adding its time to <paramref name="phase"/> whether it succeeds or throws.</summary>
    public async Task<T> TimeAsync<T>(Phase phase, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var start = time.GetTimestamp();
        try
        {
            return await work();
        }
        finally
        {
            spent[phase] = this[phase] + time.GetElapsedTime(start);
        }
    }
}
