using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Workers;

namespace L402Train.Silo.Hosting;

/// <summary>
/// Validates every options class of a silo's settings when the silo is built, whoever made them
/// (<see cref="SiloSettings.Load"/> checks what it parses; a host that builds settings in code is checked
/// here): a value out of range stops start-up with a <see cref="SiloSettingException"/> naming the setting
/// and the allowed range, before anything starts, never as a later 500.
/// </summary>
internal static class SettingsValidation
{
    // Each options class's members, by the setting that sets them; a member without one is named by the class.
    private static readonly Dictionary<string, string> BountySettings = new(StringComparer.Ordinal)
    {
        [nameof(BountyRules.DepositSat)] = "bounty-deposit-sat", [nameof(BountyRules.AccessPriceSat)] = "bounty-price-sat",
        [nameof(BountyRules.CoordinatorFeePct)] = "coordinator-fee-pct", [nameof(BountyRules.SuspiciousGap)] = "suspicious-gap",
        [nameof(BountyRules.SignificanceLevel)] = "significance-level", [nameof(BountyRules.NoiseFloorSigmas)] = "noise-floor-sigmas",
        [nameof(BountyRules.LeaderThresholdRise)] = "leader-threshold-rise", [nameof(BountyRules.LeaderThresholdDecay)] = "leader-threshold-decay",
        [nameof(BountyRules.LeaderThresholdPeriod)] = "leader-threshold-period-s", [nameof(BountyRules.DefaultNoiseReruns)] = "noise-reruns",
        [nameof(BountyRules.DefaultHoldbackPct)] = "holdback-pct", [nameof(BountyRules.DefaultHoldbackDelay)] = "holdback-delay-s",
    };

    private static readonly Dictionary<string, string> WorkerSettings = new(StringComparer.Ordinal)
    {
        [nameof(WorkerOptions.PriceSat)] = "worker-price-sats", [nameof(WorkerOptions.MaxTrainerSteps)] = "worker-max-steps",
        [nameof(WorkerOptions.RunDeadline)] = "worker-deadline-s",
    };

    /// <summary>Throws <see cref="SiloSettingException"/> naming the first value out of range.</summary>
    public static void Validate(SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Check(settings.Bounties.Validate, BountySettings);
        Check(settings.Workers.Validate, WorkerSettings);
        Check(() => settings.Retention.Validate(), new Dictionary<string, string>(StringComparer.Ordinal) { ["Retention"] = "retention-days" });
        if (settings.Inference.Validate() is { } wrong) throw new SiloSettingException(wrong.Setting, $"use {wrong.Problem}");
        if (settings.FeeSweepInterval < TimeSpan.FromSeconds(1) || settings.FeeSweepInterval > TimeSpan.FromDays(1))
            throw new SiloSettingException("fee-sweep-interval", $"{settings.FeeSweepInterval} is not a time span from 00:00:01 to 1.00:00:00");
        if (settings.UnfiledDepositGrace < TimeSpan.FromSeconds(1) || settings.UnfiledDepositGrace > TimeSpan.FromDays(1))
            throw new SiloSettingException("unfiled-deposit-grace", $"{settings.UnfiledDepositGrace} is not a time span from 00:00:01 to 1.00:00:00");
        if (settings.Tracks.Count == 0 || settings.Tracks.Any(t => !SiloSettings.KnownTracks.Contains(t)))
            throw new SiloSettingException("tracks", $"'{string.Join(',', settings.Tracks)}' is not a list of tracks; use a comma-separated list of {SiloSettings.DefaultTracks}");
    }

    private static void Check(Action validate, Dictionary<string, string> settingOf)
    {
        try
        {
            validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            var member = ex.ParamName ?? "value";
            var setting = settingOf.TryGetValue(member, out var named) ? named : KebabCase(member);
            throw new SiloSettingException(setting, $"{ex.ActualValue} is out of range: {Reason(ex.Message)}");
        }
    }

    // The exception's message ends its first line with " (Parameter '…')" and adds "Actual value was …" on another.
    private static string Reason(string message)
    {
        var first = message.Split('\n', 2)[0];
        var parameter = first.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return (parameter < 0 ? first : first[..parameter]).Trim();
    }

    private static string KebabCase(string member) =>
        string.Concat(member.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
}
