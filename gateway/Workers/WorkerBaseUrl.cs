using L402Train.Grains.Workers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace L402Train.Gateway.Workers;

/// <summary>
/// The base URL a worker's signed registration names: <c>--worker-public-url</c> when set, else the address the server
/// actually listens on (so a port 0 binding names the port it got). Never the request's Host header: a signed document
/// naming a host of the caller's choosing could be replayed to an index.
/// </summary>
public static class WorkerBaseUrl
{
    /// <summary>The URL, or null when the server listens on every address and no public URL is configured (nothing to name).</summary>
    public static Uri? Resolve(WorkerOptions options, IServer server)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(server);
        if (options.PublicUrl is { } configured) return configured;
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return listening is not null && Uri.TryCreate(listening.TrimEnd('/') + "/", UriKind.Absolute, out var bound) && bound.Host is not ("0.0.0.0" or "[::]" or "+" or "*")
            ? bound
            : null;
    }
}
