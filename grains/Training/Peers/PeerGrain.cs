using L402Train.Lightning;
using L402Train.Runtime;

namespace L402Train.Grains.Training;

/// <summary>A peer's record: what it sent and what it earned and lost.</summary>
[GenerateSerializer, Alias("l402.PeerState")]
public sealed record PeerState
{
    /// <summary>Submission ids in arrival order.</summary>
    [Id(0)]
    public List<string> Submissions { get; init; } = [];

    /// <summary>Verdicts by reason.</summary>
    [Id(1)]
    public Dictionary<VerdictReason, int> Verdicts { get; init; } = [];

    /// <summary>Deposits paid in.</summary>
    [Id(2)]
    public Sats DepositsSat { get; init; }

    /// <summary>Deposits forfeited.</summary>
    [Id(3)]
    public Sats ForfeitedSat { get; init; }

    /// <summary>Rewards granted.</summary>
    [Id(4)]
    public Sats RewardsOwedSat { get; init; }

    /// <summary>Rewards paid.</summary>
    [Id(5)]
    public Sats RewardsPaidSat { get; init; }

    /// <summary>Event keys already applied (callers deliver at least once).</summary>
    [Id(6)]
    public HashSet<string> Applied { get; init; } = [];

    /// <summary>Accepted submissions.</summary>
    public int Accepted => Verdicts.GetValueOrDefault(VerdictReason.Accepted);
}

/// <summary>A peer, keyed by its id.</summary>
[Alias("l402.IPeerGrain")]
public interface IPeerGrain : IGrainWithStringKey
{
    /// <summary>The peer's record.</summary>
    Task<PeerState> GetAsync();

    /// <summary>A submission arrived (idempotent by id).</summary>
    Task SubmittedAsync(string submissionId, Sats depositSat);

    /// <summary>A verdict was recorded (idempotent: counts once per submission).</summary>
    Task DecidedAsync(string submissionId, VerdictReason reason, Sats rewardSat);

    /// <summary>A deposit was forfeited.</summary>
    Task ForfeitedAsync(string submissionId, Sats depositSat);

    /// <summary>A reward was paid.</summary>
    Task RewardPaidAsync(string submissionId, Sats amountSat);
}

/// <inheritdoc cref="IPeerGrain"/>
[GrainType("peer")]
internal sealed class PeerGrain([PersistentState("peer")] IPersistentState<PeerState> peer) : OutboxGrain, IPeerGrain
{
    /// <inheritdoc/>
    public Task<PeerState> GetAsync() => Task.FromResult(peer.State);

    /// <inheritdoc/>
    public Task SubmittedAsync(string submissionId, Sats depositSat) =>
        Once($"submitted:{submissionId}", s => s with { Submissions = [.. s.Submissions, submissionId], DepositsSat = s.DepositsSat + depositSat });

    /// <inheritdoc/>
    public Task DecidedAsync(string submissionId, VerdictReason reason, Sats rewardSat) =>
        Once($"decided:{submissionId}", s =>
        {
            var verdicts = new Dictionary<VerdictReason, int>(s.Verdicts);
            verdicts[reason] = verdicts.GetValueOrDefault(reason) + 1;
            return s with { Verdicts = verdicts, RewardsOwedSat = s.RewardsOwedSat + rewardSat };
        });

    /// <inheritdoc/>
    public Task ForfeitedAsync(string submissionId, Sats depositSat) =>
        Once($"forfeited:{submissionId}", s => s with { ForfeitedSat = s.ForfeitedSat + depositSat });

    /// <inheritdoc/>
    public Task RewardPaidAsync(string submissionId, Sats amountSat) =>
        Once($"paid:{submissionId}", s => s with { RewardsPaidSat = s.RewardsPaidSat + amountSat });

    // Jobs retry, so each event is applied once by its key, in the same write as its effect.
    private async Task Once(string eventKey, Func<PeerState, PeerState> apply)
    {
        if (peer.State.Applied.Contains(eventKey)) return;
        var next = apply(peer.State);
        peer.State = next with { Applied = [.. next.Applied, eventKey] };
        await peer.WriteStateAsync();
    }
}
