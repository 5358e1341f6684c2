using L402Train.Lightning.Simnet;
using L402Train.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>Builds and starts the silo; <paramref name="adjust"/> changes the loaded settings first.</summary>
    public static async Task<EmbeddedSilo> StartAsync(string name, Func<SiloSettings, SiloSettings>? adjust = null, CancellationToken cancellationToken = default)
    {
        var dir = Directory.CreateTempSubdirectory($"l402train-{name}-");
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["DataDir"] = dir.FullName, ["Urls"] = "http://127.0.0.1:0" },
            new Dictionary<string, string?>(), dir.FullName);
        var app = SiloHost.Build(adjust is null ? settings : adjust(settings));
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
