using L402Train.Lightning;
using L402Train.Grains.Training;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace L402Train.Gateway.Apis;

/// <summary>What both tracks' submission endpoints share: ids, the verdict long-poll and the claim answers.</summary>
internal static class SubmissionEndpoints
{
    /// <summary>True for a submission id: a payment hash, 64 hex characters.</summary>
    public static bool IsHash(string id) => id.Length == 64 && id.All(Uri.IsHexDigit);

    /// <summary>Routing fee allowed on a reward or refund payment: peers are one hop away on simnet; on a real network 1 % + 10 sat.</summary>
    public static Sats MaxFeeSat(Sats amountSat) => new(10 + (amountSat.Value / 100));

    /// <summary>A problem for a <c>?wait=</c> that is not 0–3600 seconds; null when it is fine.</summary>
    public static ProblemHttpResult? CheckWait(double? wait) =>
        wait is < 0 or > 3600 || (wait is { } w && !double.IsFinite(w))
            ? TypedResults.Problem("wait must be a number of seconds between 0 and 3600.", statusCode: StatusCodes.Status400BadRequest)
            : null;

    /// <summary>
    /// Re-reads <paramref name="read"/> until <paramref name="decided"/> holds, <paramref name="wait"/>
    /// seconds (at most <see cref="TrainingApi.MaxWait"/>) pass, or the client goes away. It re-reads
    /// because the verdict may be written by a validator on another silo.
    /// </summary>
    public static async Task<T> WaitForVerdictAsync<T>(T state, Func<Task<T>> read, Func<T, bool> decided, double? wait, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(decided);
        ArgumentNullException.ThrowIfNull(time);
        var until = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(wait ?? 0, TrainingApi.MaxWait.TotalSeconds));
        while (!decided(state) && time.GetUtcNow() < until && !cancellationToken.IsCancellationRequested)
        {
            try { await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken); }
            catch (OperationCanceledException) { break; }
            state = await read();
        }
        return state;
    }

    /// <summary>The problem for a claim outcome; null when the claim is queued or already made (answer 202).</summary>
    public static ProblemHttpResult? ClaimProblem(ClaimOutcome outcome, string exactAmount) => outcome switch
    {
        ClaimOutcome.Queued or ClaimOutcome.AlreadyClaimed => null,
        ClaimOutcome.NotDecided => TypedResults.Problem("The submission has no verdict yet; poll it with ?wait=.", statusCode: StatusCodes.Status409Conflict),
        ClaimOutcome.NothingOwed => TypedResults.Problem("No reward is owed for this submission.", statusCode: StatusCodes.Status409Conflict),
        ClaimOutcome.OtherClaimInFlight => TypedResults.Problem("Another claim invoice is being paid for this submission.", statusCode: StatusCodes.Status409Conflict),
        _ => TypedResults.Problem($"The invoice must be for exactly {exactAmount}.", statusCode: StatusCodes.Status422UnprocessableEntity),
    };
}
