using L402Train.Bounties.Sandbox;
using L402Train.Silo.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace L402Train.Bounties.Tests.Http;

/// <summary>A validator never evaluates outside the sandbox: without bubblewrap it refuses to start, saying so.</summary>
public sealed class ValidatorStartupTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402train-validator");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SiloSettings Settings(string roles) => SiloSettings.Load(
        new Dictionary<string, string?> { ["DataDir"] = dir.FullName, ["Urls"] = "http://127.0.0.1:0", ["Roles"] = roles },
        new Dictionary<string, string?>(), dir.FullName);

    [Fact]
    public async Task A_validator_without_bubblewrap_refuses_to_start_naming_it()
    {
        await using var app = SiloHost.Build(Settings("gateway,validator,settler"),
            configure: b => b.Services.AddSingleton(new SandboxOptions { BubblewrapPath = Path.Combine(dir.FullName, "no-bwrap") }));

        var error = await Assert.ThrowsAsync<SiloSettingException>(() => app.StartAsync(Ct));

        Assert.Contains("bubblewrap was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("validator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_without_bubblewrap_starts_because_it_evaluates_nothing()
    {
        await using var app = SiloHost.Build(Settings("gateway,settler"),
            configure: b => b.Services.AddSingleton(new SandboxOptions { BubblewrapPath = Path.Combine(dir.FullName, "no-bwrap") }));

        await app.StartAsync(Ct);
        await app.StopAsync(Ct);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }
}
