using System.Data.Common;
using System.Reflection;
using L402Train.Runtime;
using L402Train.Grains.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SiloStatus = L402Train.Protocol.Status.SiloStatus;
using HealthStatus = L402Train.Protocol.Status.HealthStatus;
using MembershipStatus = Orleans.Runtime.SiloStatus;

namespace L402Train.Gateway.Apis;

/// <summary>Status, liveness and readiness of a silo.</summary>
public static class StatusApi
{
    private static readonly string Version =
        typeof(StatusApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Maps GET /status, /alive (liveness: the process answers) and /health (readiness: the silo is Active and the store answers and is migrated).</summary>
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status", GetStatus).WithName("GetStatus");
        app.MapGet("/alive", GetAlive).WithName("GetAlive");
        app.MapGet("/health", GetHealthAsync).WithName("GetHealth");
        return app;
    }

    /// <summary>Version, store kind, silo id and roles.</summary>
    public static async Task<JsonHttpResult<SiloStatus>> GetStatus(SiloIdentity silo, IGrainStore store, IGrainFactory grains, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(services);
        var training = services.GetService(typeof(RewardSchedule)) is RewardSchedule schedule && services.GetService(typeof(TrainingSetup)) is TrainingSetup setup
            ? await TrainingApi.StatusAsync(grains, schedule, setup)
            : null;
        return TypedResults.Json(new SiloStatus(Version, store.Kind, silo.Id, [.. silo.Roles.Order(StringComparer.Ordinal)], training), HttpJson.Options);
    }

    /// <summary>Liveness: never touches the store, so a database outage does not restart pods.</summary>
    public static Ok<HealthStatus> GetAlive() => TypedResults.Ok(new HealthStatus("alive"));

    /// <summary>
    /// Readiness: 200 when this silo is Active in the cluster's membership and the store answers
    /// and is migrated; 503 with the reason otherwise (joining, shutting down, declared dead, store down).
    /// </summary>
    public static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> GetHealthAsync(IGrainStore store, ISiloStatusOracle membership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(membership);
        if (membership.CurrentStatus != MembershipStatus.Active)
            return TypedResults.Json(new HealthStatus("unavailable", $"silo {membership.SiloName} is {membership.CurrentStatus} in the cluster, not Active"), statusCode: StatusCodes.Status503ServiceUnavailable);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await store.CheckHealthAsync(timeout.Token);
            return TypedResults.Ok(new HealthStatus("ready", $"silo {membership.SiloName} is Active in the cluster; store {store.Kind} is migrated"));
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            return TypedResults.Json(new HealthStatus("unavailable", $"store {store.Kind}: {ex.Message}"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
