using System.Globalization;
using L402Train.Grains.Training;

namespace L402Train.Bench.Incentives.Training;

/// <summary>
/// The figures of a finished simulation, read from the submissions' final states and the
/// identities' node balances (what actually moved on simnet, not what the grains believe).
/// </summary>
internal sealed record TrainingFigures(
    double HonestRewardSharePct,
    long RewardsPaidSat,
    long AdversarialRewardsSat,
    int HonestRejected,
    IReadOnlyDictionary<TrainingProfile, long> NetSats,
    IReadOnlyDictionary<TrainingProfile, double> AdversarialEvSats,
    IReadOnlyDictionary<(TrainingProfile, VerdictReason), int> Verdicts,
    double ValidatorCpuMsMean,
    double ValidatorCpuMsP99,
    double UploadToVerdictMsP50,
    double UploadToVerdictMsP99,
    int DepositsNearExpiry,
    double DepositMinHeadroomMinutes,
    long CoordinatorNetSat,
    long PeersNetSat)
{
    public static async Task<TrainingFigures> ReadAsync(TrainingSimulation simulation)
    {
        var records = simulation.Submissions;
        var paid = records.Where(r => r.State.Reward == RewardStatus.Paid).ToList();
        var rewards = paid.Sum(r => r.State.RewardSat.Value);
        var adversarial = paid.Where(r => !r.Honest).Sum(r => r.State.RewardSat.Value);

        var net = new Dictionary<TrainingProfile, long>();
        foreach (var identity in simulation.Identities)
        {
            var balance = (await identity.Wallet.GetBalanceAsync()).Local.ToSatsFloor().Value - TrainingSimulation.FundingSat;
            net[identity.Profile] = net.GetValueOrDefault(identity.Profile) + balance;
        }
        var ev = records.Where(r => !r.Honest).GroupBy(r => r.Identity.Profile).ToDictionary(g => g.Key, g => g.Average(r =>
            (r.State.Reward == RewardStatus.Paid ? r.State.RewardSat.Value : 0) - (r.State.Deposit == DepositStatus.Forfeited ? r.State.Received!.DepositSat.Value : 0)));
        var verdicts = records.GroupBy(r => (r.Identity.Profile, r.State.Verdict!.Reason)).ToDictionary(g => g.Key, g => g.Count());

        // The node cancels a held HTLC HoldExpiryDelta blocks before it expires; a verdict after that point comes too late to settle.
        var options = simulation.Network.Options;
        var cancelAfter = options.BlockInterval * (simulation.Schedule.DepositCltvBlocks - options.HoldExpiryDelta - 1);
        var headroom = records.Select(r => (r.DepositAccepted + cancelAfter - r.State.DecidedAt!.Value).TotalMinutes).ToList();
        var coordinator = (await simulation.Network.Coordinator.GetBalanceAsync()).Local.ToSatsFloor().Value;
        var cpu = records.Select(r => r.State.ValidationCpuMs).ToList();
        var latency = records.Select(r => (r.State.DecidedAt!.Value - r.State.ReceivedAt).TotalMilliseconds).ToList();
        return new TrainingFigures(
            rewards == 0 ? 100 : 100.0 * (rewards - adversarial) / rewards, rewards, adversarial,
            records.Count(r => r.Identity.Profile == TrainingProfile.Honest && r.State.Verdict!.Reason != VerdictReason.Accepted),
            net, ev, verdicts, cpu.Average(), Percentile(cpu, 0.99), Percentile(latency, 0.50), Percentile(latency, 0.99),
            headroom.Count(h => h <= 0), headroom.Min(), coordinator, net.Values.Sum());
    }

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public void Print(Action<string> print)
    {
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        print($"honest_reward_share_pct={F(HonestRewardSharePct)}");
        print($"rewards_paid_sats={RewardsPaidSat}");
        print($"adversarial_rewards_sats={AdversarialRewardsSat}");
        print($"honest_peer_submissions_not_accepted={HonestRejected}");
        foreach (var (profile, sats) in NetSats.OrderBy(p => p.Key)) print($"net_sats_{profile.Name()}={sats}");
        foreach (var (profile, sats) in AdversarialEvSats.OrderBy(p => p.Key)) print($"adversarial_ev_sats_per_submission_{profile.Name()}={F(sats)}");
        foreach (var ((profile, reason), count) in Verdicts.OrderBy(v => v.Key)) print($"verdicts_{profile.Name()}_{reason.ToString().ToLowerInvariant()}={count}");
        print($"validator_cpu_ms_per_submission={F(ValidatorCpuMsMean)}");
        print($"validator_cpu_ms_p99={F(ValidatorCpuMsP99)}");
        print($"upload_to_verdict_ms_p50={F(UploadToVerdictMsP50)}");
        print($"upload_to_verdict_ms_p99={F(UploadToVerdictMsP99)}");
        print($"deposits_near_expiry={DepositsNearExpiry}");
        print($"deposit_min_headroom_min={F(DepositMinHeadroomMinutes)}");
        print($"peers_net_sats={PeersNetSat}");
    }

    /// <summary>Which copycat screen refused whom (the verdict's detail names it), and in which round each verdict fell.</summary>
    public static void PrintDetails(TrainingSimulation simulation, Action<string> print)
    {
        foreach (var group in simulation.Submissions.Where(r => r.State.Verdict!.Reason == VerdictReason.Copycat)
            .GroupBy(r => (r.Identity.Profile, Screen: r.State.Verdict!.Detail.StartsWith("values", StringComparison.Ordinal) ? "similarity" : "overlap"))
            .OrderBy(g => g.Key))
            print($"copycat_by_{group.Key.Screen}_{group.Key.Profile.Name()}={group.Count()}");
        foreach (var group in simulation.Submissions.GroupBy(r => (r.Round, r.Identity.Profile, r.State.Verdict!.Reason)).OrderBy(g => g.Key))
            print($"verdicts_round{group.Key.Round}_{group.Key.Profile.Name()}_{group.Key.Reason.ToString().ToLowerInvariant()}={group.Count()}");
        foreach (var (record, i) in simulation.Submissions.Where(r => r.Identity.Profile == TrainingProfile.Honest && r.State.Verdict!.Reason != VerdictReason.Accepted).Take(3).Select((r, i) => (r, i)))
            print($"honest_refused_example{i}=round {record.Round}: {record.State.Verdict!.Detail}");
    }
}
