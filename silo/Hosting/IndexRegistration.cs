using L402Train.Gateway.Workers;
using L402Train.Grains.Workers;
using L402Train.Protocol;
using L402Train.Protocol.Research;
using Microsoft.AspNetCore.Hosting.Server;

namespace L402Train.Silo.Hosting;

/// <summary>
/// On a worker silo with <c>--worker-index-url</c>: posts the signed registration to the coordinator's
/// <c>POST /api/v1/agents</c> once the server listens, then every <see cref="WorkerOptions.RefreshInterval"/>, so the
/// entry never expires while the worker runs. A failed post (refused, unreachable, timed out) is logged and tried again
/// after <see cref="FirstRetry"/>, doubling up to the refresh interval: an index that starts beside the worker, or
/// blips, lists it within seconds rather than at the next refresh, and nothing the index does stops the silo.
/// </summary>
internal sealed class IndexRegistration(
    SiloSettings settings, WorkerOptions options, IServiceProvider services, IServer server, IHostApplicationLifetime lifetime,
    TimeProvider time, ILogger<IndexRegistration> logger) : BackgroundService
{
    /// <summary>The first retry's delay after a failed post.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Roles.Contains("worker") || options.IndexUrl is not { } index) return;
        try
        {
            // The registration names the address the server listens on, known only once it has started (a port 0
            // binding gets its port then), and a worker that is its own index can take the post only once it listens.
            await StartedAsync(stoppingToken);
            if (WorkerBaseUrl.Resolve(options, server) is not { } baseUrl)
            {
                logger.LogWarning("Not registering with the index at {Index}: this worker listens on every address and has no --worker-public-url to name.", index);
                return;
            }
            using var http = new HttpClient { BaseAddress = index, Timeout = TimeSpan.FromSeconds(30) };
            var retry = FirstRetry;
            while (true)
            {
                var posted = await TryPostAsync(http, index, baseUrl, stoppingToken);
                await Task.Delay(posted ? options.RefreshInterval : retry, time, stoppingToken);
                retry = posted ? FirstRetry : TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, options.RefreshInterval.Ticks));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        await started.Task;
    }

    private async Task<bool> TryPostAsync(HttpClient http, Uri index, Uri baseUrl, CancellationToken stoppingToken)
    {
        try
        {
            var registration = await services.GetRequiredService<WorkerRegistration>().SignedAsync(baseUrl, stoppingToken);
            using var response = await http.PostAsJsonAsync("api/v1/agents",
                new AgentSubmission(registration, new Uri(baseUrl, ResearchNames.RegistrationPath.TrimStart('/')).ToString()), ProtocolJson.Options, stoppingToken);
            if (response.IsSuccessStatusCode) return true;
            logger.LogWarning("The index at {Index} refused the registration: {Status} {Body}", index, (int)response.StatusCode, await response.Content.ReadAsStringAsync(stoppingToken));
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            logger.LogWarning(ex, "Could not post the registration to the index at {Index}; trying again shortly.", index);
        }
        return false;
    }
}
