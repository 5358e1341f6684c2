using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace L402Train.Testing;

/// <summary>
/// A reverse proxy on 127.0.0.1 in front of a coordinator that loses the connection of the first
/// request matching a rule after the coordinator has handled it: the client never sees the answer
/// (what a dropped mobile link or a killed process does to an agent).
/// </summary>
internal sealed class DroppingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Transfer-Encoding", "Connection", "Keep-Alive" };
    private readonly WebApplication app;
    private readonly HttpClient upstream;
    private int dropped;

    private DroppingProxy(WebApplication app, HttpClient upstream, Uri baseAddress)
    {
        this.app = app;
        this.upstream = upstream;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>How many connections were dropped.</summary>
    public int Dropped => Volatile.Read(ref dropped);

    public static async Task<DroppingProxy> StartAsync(string upstreamUrl, Func<HttpRequest, bool> dropOnce)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(upstreamUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(2) };
        DroppingProxy? proxy = null;
        app.Run(async context =>
        {
            var request = context.Request;
            using var forward = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.Value!.TrimStart('/') + request.QueryString);
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, context.RequestAborted);
            if (body.Length > 0 || request.ContentLength is not null) forward.Content = new ByteArrayContent(body.ToArray());
            foreach (var (name, values) in request.Headers)
            {
                if (HopByHop.Contains(name)) continue;
                if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!)) forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
            }
            using var response = await upstream.SendAsync(forward, context.RequestAborted);
            if (dropOnce(request) && Interlocked.CompareExchange(ref proxy!.dropped, 1, 0) == 0)
            {
                context.Abort();
                return;
            }
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy = new DroppingProxy(app, upstream, new Uri(address.TrimEnd('/') + "/"));
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }
}
