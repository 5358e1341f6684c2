using L402Train.Lightning.Simnet;
using L402Train.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.Testing;

/// <summary>
/// The real silo app on the embedded defaults (SQLite and simnet in a fresh temporary data
/// directory, every role) listening on a free loopback port, and an HTTP client to it. Compiled
/// into each test project that hosts the silo (it is linked, not referenced, so the shared testing
/// library does not pull the whole silo into every test project).
/// </summary>
internal sealed class EmbeddedSilo : IAsyncDisposable
{
    private EmbeddedSilo(DirectoryInfo dataDir, WebApplication app)
    {
        DataDir = dataDir;
        App = app;
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(120) };
    }

    public DirectoryInfo DataDir { get; }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public string Url => App.Urls.First();

    public SimnetNetwork Network => App.Services.GetRequiredService<SimnetNetwork>();

    /// <summary>
    /// Builds and starts the silo; <paramref name="adjust"/> changes the loaded settings first; <paramref name="time"/>
    /// replaces the system clock everywhere in it (Orleans included).
    /// </summary>
    public static async Task<EmbeddedSilo> StartAsync(string name, Func<SiloSettings, SiloSettings>? adjust = null, CancellationToken cancellationToken = default,
        TimeProvider? time = null)
    {
        var dir = Directory.CreateTempSubdirectory($"l402train-{name}-");
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["DataDir"] = dir.FullName, ["Urls"] = "http://127.0.0.1:0" },
            new Dictionary<string, string?>(), dir.FullName);
        var app = SiloHost.Build(adjust is null ? settings : adjust(settings), time is null ? null : builder =>
        {
            builder.Services.RemoveAll<TimeProvider>();
            builder.Services.AddSingleton(time);
        });
        await app.StartAsync(cancellationToken);
        return new EmbeddedSilo(dir, app);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        // SQLite keeps pooled connections open on the database file; the directory cannot go while they live.
        SqliteConnection.ClearAllPools();
        DataDir.Delete(recursive: true);
    }
}
