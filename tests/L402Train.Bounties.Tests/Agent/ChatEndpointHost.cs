using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using L402Train.L402.Gate;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace L402Train.Bounties.Tests.Agent;

/// <summary>
/// A real Kestrel app on 127.0.0.1 that speaks the OpenAI chat-completions shape and answers
/// canned replies in order; optionally priced with our own L402 gate, paid from a simnet peer.
/// </summary>
internal sealed class ChatEndpointHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly bool ownsNetwork;

    private ChatEndpointHost(WebApplication app, SimnetNetwork network, bool ownsNetwork, Uri baseAddress)
    {
        this.app = app;
        this.ownsNetwork = ownsNetwork;
        Network = network;
        BaseAddress = baseAddress;
    }

    public const long PriceSat = 21;

    public SimnetNetwork Network { get; }

    public Uri BaseAddress { get; }

    /// <summary>Every request body received, parsed.</summary>
    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    public SimnetNode Payer => Network.GetNode("agent");

    public static Task<ChatEndpointHost> StartAsync(bool priced, params string[] replies) => StartAsync(priced, null, replies);

    /// <summary>Starts the endpoint; on <paramref name="shared"/> its gate is paid to a node of that network (e.g. the silo's), else to its own network's coordinator.</summary>
    public static async Task<ChatEndpointHost> StartAsync(bool priced, SimnetNetwork? shared, params string[] replies)
    {
        var network = shared ?? new SimnetNetwork(new SimnetOptions(), TimeProvider.System);
        ILightningNode provider = shared is null ? network.Coordinator : network.CreateFundedNode("llm-provider", new Sats(100_000));
        if (shared is null) network.CreateFundedNode("agent", new Sats(100_000));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(provider);
        builder.Services.AddL402Gate(RootKeyRing.CreateRandom());
        var app = builder.Build();
        var queue = new ConcurrentQueue<string>(replies);
        ChatEndpointHost? host = null;
        var endpoint = app.MapPost("/v1/chat/completions", async (HttpContext ctx) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(ctx.Request.Body);
            host!.Requests.Enqueue(body);
            var content = queue.TryDequeue(out var reply) ? reply : "no more replies";
            return Results.Json(new
            {
                id = "chatcmpl-test",
                @object = "chat.completion",
                model = body.GetProperty("model").GetString(),
                choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            });
        });
        if (priced) endpoint.RequireL402(new Sats(PriceSat), "chat");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host = new ChatEndpointHost(app, network, shared is null, new Uri(address));
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        if (ownsNetwork) Network.Dispose();
    }
}
