using L402Train.Silo.Hosting;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>The worker role and its settings: a wrong one stops start-up with a line naming it.</summary>
public sealed class WorkerSettingsTests
{
    private static SiloSettings Load(params (string Key, string Value)[] settings) =>
        SiloSettings.Load(settings.ToDictionary(s => s.Key, s => (string?)s.Value), new Dictionary<string, string?>(), Path.GetTempPath());

    [Fact]
    public void The_worker_role_and_its_settings_are_read()
    {
        var settings = Load(("Roles", "worker"), ("WorkerPriceSats", "21"), ("WorkerMaxSteps", "100"), ("WorkerDeadlineS", "120"),
            ("WorkerPublicUrl", "https://worker.example.com"), ("WorkerIndexUrl", "https://coordinator.example.com/"), ("WorkerArchives", "off"));

        Assert.Equal(["worker"], settings.Roles);
        Assert.Equal(21, settings.Workers.PriceSat);
        Assert.Equal(100, settings.Workers.MaxTrainerSteps);
        Assert.Equal(TimeSpan.FromSeconds(120), settings.Workers.RunDeadline);
        Assert.Equal(new Uri("https://worker.example.com/"), settings.Workers.PublicUrl);
        Assert.Equal(new Uri("https://coordinator.example.com/"), settings.Workers.IndexUrl);
        Assert.False(settings.Workers.ArchivesOffered);
        Assert.Equal(["trainer"], settings.Workers.ExperimentKinds);
    }

    [Fact]
    public void A_worker_sells_archives_unless_told_otherwise()
    {
        Assert.True(Load(("Roles", "worker")).Workers.ArchivesOffered);
        Assert.True(Load(("WorkerArchives", "On")).Workers.ArchivesOffered);
    }

    [Theory]
    [InlineData("WorkerPriceSats", "0", "worker-price-sats")]
    [InlineData("WorkerMaxSteps", "many", "worker-max-steps")]
    [InlineData("WorkerDeadlineS", "10", "worker-deadline-s")]
    [InlineData("WorkerPublicUrl", "ftp://x", "worker-public-url")]
    [InlineData("WorkerIndexUrl", "not a url", "worker-index-url")]
    [InlineData("WorkerArchives", "sometimes", "worker-archives")]
    public void A_wrong_worker_setting_is_refused_naming_it(string key, string value, string option)
    {
        var error = Assert.Throws<SiloSettingException>(() => Load((key, value)));

        Assert.StartsWith($"--{option}", error.Message, StringComparison.Ordinal);
    }
}
