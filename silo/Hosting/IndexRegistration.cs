using L402Train.Gateway.Workers;
using L402Train.Grains.Workers;
using L402Train.Protocol;
using L402Train.Protocol.Research;

namespace L402Train.Silo.Hosting;

/// <summary>
/// On a worker silo with <c>--worker-index-url</c>: posts the signed registration to the coordinator's
/// <c>POST /api/v1/agents</c> at start and every <see cref="WorkerOptions.RefreshInterval"/>, so the entry
/// never expires while the worker runs. A failed post is logged and tried again at the next tick.
/// </summary>
internal sealed class IndexRegistration(SiloSettings settings, WorkerOptions options, IServiceProvider services, TimeProvider time, ILogger<IndexRegistration> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Roles.Contains("worker") || options.IndexUrl is not { } index) return;
        var baseUrl = options.PublicUrl ?? new Uri(settings.Urls[0].TrimEnd('/') + "/");
        using var http = new HttpClient { BaseAddress = index, Timeout = TimeSpan.FromSeconds(30) };
        using var timer = new PeriodicTimer(options.RefreshInterval, time);
        do
        {
            try
            {
                var registration = await services.GetRequiredService<WorkerRegistration>().SignedAsync(baseUrl, stoppingToken);
                using var response = await http.PostAsJsonAsync("api/v1/agents",
                    new AgentSubmission(registration, new Uri(baseUrl, ResearchNames.RegistrationPath.TrimStart('/')).ToString()), ProtocolJson.Options, stoppingToken);
                if (!response.IsSuccessStatusCode)
                    logger.LogWarning("The index at {Index} refused the registration: {Status} {Body}", index, (int)response.StatusCode, await response.Content.ReadAsStringAsync(stoppingToken));
            }
            catch (HttpRequestException ex)
            {
                logger.LogWarning(ex, "Could not post the registration to the index at {Index}; trying again in {Interval}.", index, options.RefreshInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
