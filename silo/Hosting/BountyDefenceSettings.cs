using L402Train.Gateway.Bounties;
using L402Train.Grains.Bounties.Catalog;

using static L402Train.Silo.Hosting.SettingReader;

namespace L402Train.Silo.Hosting;

/// <summary>
/// The bounty defences' silo settings: the noise floor in σ and the leader threshold (rise, decay, period), and the
/// defaults a posted bounty's terms take when the sponsor gives none (<c>noise_reruns</c>, <c>holdback_pct</c>,
/// <c>holdback_delay_s</c>; the threshold's three are stored with the terms too). Each is a <c>silo serve</c> option, an
/// <c>L402TRAIN_*</c> variable or an appsettings key; its range is the one <c>POST /bounties</c> accepts, so a default
/// can never make every post a 400. A value out of range stops start-up naming the option.
/// </summary>
internal static class BountyDefenceSettings
{
    /// <summary><paramref name="rules"/> with the defence settings found in <paramref name="config"/>.</summary>
    public static BountyRules Apply(IConfiguration config, BountyRules rules)
    {
        var defaults = new BountyRules();
        const long minPeriod = BountyTermsReader.MinLeaderThresholdPeriodS;
        var maxDelay = (long)defaults.MaxHoldbackDelay.TotalSeconds;
        var minDelay = (long)BountyRules.MinHoldbackDelay.TotalSeconds;
        return rules with
        {
            NoiseFloorSigmas = Read(config, "NoiseFloorSigmas", "noise-floor-sigmas", defaults.NoiseFloorSigmas, v => v is >= 0 and <= 10,
                "a number of standard deviations from 0 to 10"),
            LeaderThresholdRise = Read(config, "LeaderThresholdRise", "leader-threshold-rise", defaults.LeaderThresholdRise,
                v => v is >= 0 and <= BountyTermsReader.MaxLeaderThresholdRise, $"a number from 0 to {BountyTermsReader.MaxLeaderThresholdRise} (× the last win)"),
            LeaderThresholdDecay = Read(config, "LeaderThresholdDecay", "leader-threshold-decay", defaults.LeaderThresholdDecay, v => v is > 0 and <= 1,
                "a share in (0, 1] per period"),
            LeaderThresholdPeriod = TimeSpan.FromSeconds(Read(config, "LeaderThresholdPeriodS", "leader-threshold-period-s",
                (long)defaults.LeaderThresholdPeriod.TotalSeconds, v => v >= minPeriod && v <= maxDelay, $"whole seconds from {minPeriod} to {maxDelay}")),
            DefaultNoiseReruns = Read(config, "BountyNoiseReruns", "noise-reruns", defaults.DefaultNoiseReruns, v => v >= 3 && v <= defaults.MaxNoiseReruns,
                $"a whole number from 3 to {defaults.MaxNoiseReruns}"),
            DefaultHoldbackPct = Read(config, "BountyHoldbackPct", "holdback-pct", defaults.DefaultHoldbackPct, v => v is >= 0 and <= 100,
                "a whole percentage from 0 to 100"),
            DefaultHoldbackDelay = TimeSpan.FromSeconds(Read(config, "BountyHoldbackDelayS", "holdback-delay-s", (long)defaults.DefaultHoldbackDelay.TotalSeconds,
                v => v >= minDelay && v <= maxDelay, $"whole seconds from {minDelay} to {maxDelay}")),
        };
    }
}
