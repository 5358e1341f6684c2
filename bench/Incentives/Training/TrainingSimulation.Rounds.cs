using L402Train.Compression;
using L402Train.Grains.Training;
using L402Train.Lightning;
using L402Train.Model.Tensors;

namespace L402Train.Bench.Incentives.Training;

internal sealed partial class TrainingSimulation
{
    private readonly Dictionary<string, (ParameterSet Weights, int Version)> staleCheckpoints = [];
    private readonly Dictionary<string, (byte[] Payload, int Version)> lastPayloads = [];

    /// <summary>What the identities send in one round, and the time it took.</summary>
    private sealed record Planned(SimulatedIdentity Identity, byte[] Payload, int BaseVersion, bool Honest, bool Copies);

    /// <summary>Runs every round: updates, fees, deposits and submissions, verdicts, claims, settlement, aggregation.</summary>
    public async Task RunAsync(Action<string>? progress = null)
    {
        using var honest = new HonestUpdates(Setup, Setup.TrainingTokens(), options.InnerSteps, options.BatchSize);
        for (var round = 1; round <= options.Rounds; round++)
        {
            var clock = TimeProvider.System.GetTimestamp();
            var run = await Grains.GetGrain<ITrainingRunGrain>(TrainingRunGrain.MainKey).GetAsync();
            if (run.CurrentRound != round) throw new InvalidOperationException($"expected round {round} open, the run is at {run.CurrentRound}");
            var version = run.Latest!.Version;
            var weights = await Checkpoints.LoadAsync(run.Latest, CancellationToken.None);
            var planned = Plan(honest, weights, version, round);
            await PayFeesAsync(round);
            var filed = await SubmitAsync(planned, round);
            await WaitAsync(async () => (await Grains.GetGrain<IRoundGrain>(round).GetAsync()).Status == RoundStatus.Aggregated, $"round {round} to aggregate");
            await SettleAsync(filed);
            progress?.Invoke(RoundProgress.Line(round, await Grains.GetGrain<IRoundGrain>(round).GetAsync(), filed, TimeProvider.System.GetElapsedTime(clock)));
        }
    }

    // Who downloads the checkpoint this round, paying its standard L402 fee: everyone who trains on it.
    private async Task PayFeesAsync(int round)
    {
        var payers = identities.Where(i => i.Profile switch
        {
            TrainingProfile.Honest or TrainingProfile.Poisoner => true,
            TrainingProfile.SybilSplit or TrainingProfile.SybilDuplicate => i.Member == 0,
            TrainingProfile.Stale => round == 1,
            TrainingProfile.Alternating => round % 2 == 1,
            _ => false,
        });
        await Parallel.ForEachAsync(payers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (identity, _) => await PayCheckpointFeeAsync(identity));
    }

    private List<Planned> Plan(HonestUpdates honest, ParameterSet weights, int version, int round)
    {
        var random = new Random(round * 7919);
        foreach (var identity in identities.Where(i => i.Profile == TrainingProfile.Stale && !staleCheckpoints.ContainsKey(i.Id)))
            staleCheckpoints[identity.Id] = (weights, version);

        // The compute: every update trained on a checkpoint, in parallel (one single-threaded model per thread).
        var trainers = identities.Where(i => i.Member == 0 && i.Profile is TrainingProfile.Honest or TrainingProfile.Poisoner or TrainingProfile.Stale
            or TrainingProfile.SybilSplit or TrainingProfile.SybilDuplicate || (i.Profile == TrainingProfile.Alternating && round % 2 == 1)).ToList();
        var trained = new SparseSubmission[trainers.Count];
        Parallel.For(0, trainers.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, t =>
        {
            var identity = trainers[t];
            var from = identity.Profile == TrainingProfile.Stale ? staleCheckpoints[identity.Id].Weights : weights;
            trained[t] = honest.Train(from, identity.Seed, round);
        });
        var own = trainers.Select((identity, t) => (identity.Group, Update: trained[t])).ToDictionary(x => x.Group, x => x.Update);
        var originals = trainers.Select((identity, t) => (identity, t)).Where(x => x.identity.Profile == TrainingProfile.Honest).Select(x => trained[x.t]).ToList();
        SparseSubmission Original(int seed) => originals[new Random(seed).Next(originals.Count)];

        var planned = new List<Planned>();
        void Add(SimulatedIdentity identity, SparseSubmission update, bool honestWork, bool copies, int baseVersion = -1)
        {
            var declared = baseVersion >= 0 ? baseVersion : version;
            var payload = update.ToBytes(WireVersion.V2, PayloadMetadata.Create(declared, identity.Id));
            planned.Add(new Planned(identity, payload, declared, honestWork, copies));
        }

        foreach (var identity in identities)
        {
            switch (identity.Profile)
            {
                case TrainingProfile.Honest: Add(identity, own[identity.Group], true, false); break;
                case TrainingProfile.Poisoner: Add(identity, AdversarialUpdates.Negated(own[identity.Group]), false, false); break;
                case TrainingProfile.FreeRiderZeros: Add(identity, AdversarialUpdates.Zeros(originals[0]), false, false); break;
                case TrainingProfile.FreeRiderNoise: Add(identity, AdversarialUpdates.Noise(Original(identity.Group + round), random), false, false); break;
                case TrainingProfile.Copycat: Add(identity, AdversarialUpdates.PerturbedCopy(Original(identity.Group * 31 + round), random), false, true); break;
                case TrainingProfile.CopycatRing:
                    Add(identity, AdversarialUpdates.Slice(Original(identity.Group * 31 + round), identity.Member, ProfileMix.GroupSize, random), false, true);
                    break;
                case TrainingProfile.SybilSplit:
                    // Honest work, split: no entry is sent twice, so each part is paid what it improves (docs/incentives.md).
                    Add(identity, AdversarialUpdates.Slice(own[identity.Group], identity.Member, ProfileMix.GroupSize, random), true, false);
                    break;
                case TrainingProfile.SybilDuplicate:
                    Add(identity, identity.Member == 0 ? own[identity.Group] : AdversarialUpdates.NoisyDuplicate(own[identity.Group], random), identity.Member == 0, identity.Member > 0);
                    break;
                case TrainingProfile.Stale:
                    Add(identity, own[identity.Group], staleCheckpoints[identity.Id].Version == version, false, staleCheckpoints[identity.Id].Version);
                    break;
                case TrainingProfile.Alternating when round % 2 == 1:
                    Add(identity, own[identity.Group], true, false);
                    lastPayloads[identity.Id] = (planned[^1].Payload, version);
                    break;
                case TrainingProfile.Alternating:
                    // A stale round: last round's update again, on last round's version, without syncing.
                    var (payload, old) = lastPayloads[identity.Id];
                    planned.Add(new Planned(identity, payload, old, false, false));
                    break;
            }
        }
        return planned;
    }

    // Arrivals: everything that does not copy, in random order, then the copies (a copy is made from a filed original).
    private async Task<List<SubmissionRecord>> SubmitAsync(List<Planned> planned, int round)
    {
        var random = new Random(round);
        var waves = new[] { planned.Where(p => !p.Copies).OrderBy(_ => random.Next()).ToList(), planned.Where(p => p.Copies).OrderBy(_ => random.Next()).ToList() };
        var filed = new List<SubmissionRecord>();
        foreach (var wave in waves)
        {
            await Parallel.ForEachAsync(wave, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (p, _) =>
            {
                var (hash, token, accepted) = await PayDepositAsync(p.Identity.Wallet);
                var blob = await Gradients.SaveAsync(p.Payload);
                var id = hash.ToHex();
                var arrival = new NewSubmission(p.Identity.Id, round, p.BaseVersion, blob,
                    Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(p.Payload)), p.Payload.Length, hash, token, new Sats(Schedule.DepositSat));
                await Grains.GetGrain<ISubmissionGrain>(id).CreateAsync(arrival);
                lock (filed) filed.Add(new SubmissionRecord(id, p.Identity, round, p.Honest, accepted));
            });
        }
        lock (submissions) submissions.AddRange(filed);
        return filed;
    }

    // Each rewarded identity claims with an invoice of its own node; then every deposit and reward is final.
    private async Task SettleAsync(List<SubmissionRecord> filed)
    {
        foreach (var record in filed) record.State = await Grains.GetGrain<ISubmissionGrain>(record.Id).GetAsync();
        foreach (var record in filed.Where(r => r.State.RewardSat > Sats.Zero))
        {
            var invoice = await record.Identity.Wallet.CreateInvoiceAsync(
                new CreateInvoiceRequest(record.State.RewardSat.ToMilliSats(), "reward", TimeSpan.FromHours(1)));
            var outcome = await Grains.GetGrain<ISubmissionGrain>(record.Id).ClaimAsync(invoice.Hash, invoice.PaymentRequest, record.State.RewardSat, new Sats(10));
            if (outcome != ClaimOutcome.Queued) throw new InvalidOperationException($"claim of {record.Id} answered {outcome}");
        }
        var pending = filed.ToList();
        await WaitAsync(async () =>
        {
            foreach (var record in pending.ToList())
            {
                var state = await Grains.GetGrain<ISubmissionGrain>(record.Id).GetAsync();
                if (state.ClaimFailure is { } failure) throw new InvalidOperationException($"the reward of {record.Id} was not paid: {failure}");
                if (state.DepositResolvedAt is null || state.Reward == RewardStatus.Paying) return false;
                record.State = state;
                pending.Remove(record);
            }
            return true;
        }, "every deposit resolved and every reward paid");
    }
}
