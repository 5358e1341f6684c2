using L402Train.Lightning.Simnet;
using L402Train.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.Testing;

/// <summary>
/// The real silo app on the embedded defaults (SQLite and simnet in a fresh temporary data
/// directory, or one the test keeps across a stop and a start; every role) listening on a free
/// loopback port, and an HTTP client to it. Compiled
/// into each test project that hosts the silo (it is linked, not referenced, so the shared testing
/// library does not pull the whole silo into every test project).
/// </summary>
internal sealed class EmbeddedSilo : IAsyncDisposable
{
    private readonly bool ownsDataDir;

    private EmbeddedSilo(DirectoryInfo dataDir, bool ownsDataDir, WebApplication app)
    {
        DataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        App = app;
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(120) };
    }

    public DirectoryInfo DataDir { get; }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public string Url => App.Urls.First();

    public SimnetNetwork Network => App.Services.GetRequiredService<SimnetNetwork>();

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, re-checking after every job the silo finishes (a signal,
    /// not a sleep: funding checks, validations, payouts are jobs). It listens before each check, so a job that
    /// finishes between the check and the wait is never missed; fails with <paramref name="what"/> after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitUntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        var jobs = App.Services.GetRequiredService<Runtime.JobWorkerParticipant>();
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expiry.CancelAfter(timeout);
        while (true)
        {
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnFinished(Runtime.JobOutcome _) => finished.TrySetResult();
            jobs.JobFinished += OnFinished;
            try
            {
                if (await condition(expiry.Token)) return;
                try { await finished.Task.WaitAsync(expiry.Token); }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { throw new TimeoutException($"Timed out after {timeout} waiting for {what}."); }
            }
            finally
            {
                jobs.JobFinished -= OnFinished;
            }
        }
    }

    /// <summary>
    /// Builds and starts the silo; <paramref name="adjust"/> changes the loaded settings first, <paramref name="configure"/>
    /// adds or replaces services before the app is built (e.g. a test's <see cref="TimeProvider"/> or a slow runner).
    /// With <paramref name="dataDir"/> the silo runs on that folder (its SQLite store, simnet and blobs) and leaves it in
    /// place when disposed, so a later silo can start on what this one left; the caller deletes it
    /// (<see cref="DeleteDataDir"/>). Without it, a fresh temporary folder is used and deleted on dispose. <paramref name="time"/>
    /// replaces the system clock everywhere in it (Orleans included).
    /// </summary>
    public static async Task<EmbeddedSilo> StartAsync(string name, Func<SiloSettings, SiloSettings>? adjust = null, CancellationToken cancellationToken = default,
        Action<WebApplicationBuilder>? configure = null, DirectoryInfo? dataDir = null, TimeProvider? time = null)
    {
        var dir = dataDir ?? Directory.CreateTempSubdirectory($"l402train-{name}-");
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["DataDir"] = dir.FullName, ["Urls"] = "http://127.0.0.1:0" },
            new Dictionary<string, string?>(), dir.FullName);
        var app = SiloHost.Build(adjust is null ? settings : adjust(settings), time is null ? configure : builder =>
        {
            builder.Services.RemoveAll<TimeProvider>();
            builder.Services.AddSingleton(time);
            configure?.Invoke(builder);
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            // A refused start (a test of a start-up check) leaves nothing behind.
            await app.DisposeAsync();
            if (dataDir is null) DeleteDataDir(dir);
            throw;
        }
        return new EmbeddedSilo(dir, dataDir is null, app);
    }

    /// <summary>
    /// Stops the silo as a crash would: the host's stop is cut short at once (Orleans' ungraceful stop), so the job
    /// workers abandon their jobs mid-run and record nothing more: their leases stay until they expire.
    /// </summary>
    public async Task StopAbruptlyAsync()
    {
        using var cutShort = new CancellationTokenSource();
        await cutShort.CancelAsync();
        await App.StopAsync(cutShort.Token);
    }

    /// <summary>Deletes a data directory once no silo runs on it (SQLite's pooled connections closed first).</summary>
    public static void DeleteDataDir(DirectoryInfo dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        // SQLite keeps pooled connections open on the database file; the directory cannot go while they live.
        SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        if (ownsDataDir) DeleteDataDir(DataDir);
        else SqliteConnection.ClearAllPools();
    }
}
