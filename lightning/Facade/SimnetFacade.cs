using System.Security.Cryptography;
using System.Text.Json;
using L402Train.Lightning.Bolt11;
using L402Train.Lightning.Lnd;
using L402Train.Lightning.Simnet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace L402Train.Lightning.Facade;

/// <summary>
/// An LND-compatible REST API over the nodes of a <see cref="SimnetNetwork"/>, under
/// <c>/simnet/{node}/…</c> with LND's paths and JSON, each node guarded by its own macaroon, so
/// separate processes reach simnet wallets through <see cref="LndRestClient"/> exactly as they
/// would reach LND. Errors use LND's shape (<c>{"code","message","details"}</c>) and never a 500
/// for anything a client sent.
/// </summary>
public static partial class SimnetFacade
{
    private const string MacaroonHeader = "Grpc-Metadata-macaroon";

    /// <summary>
    /// Maps the facade. With <paramref name="faucet"/> it also maps the development faucet
    /// <c>POST /simnet/nodes</c> (<c>{"name","balance_sat"}</c> → node id and macaroon), which creates a
    /// node with a channel to the coordinator funded on both sides; it answers loopback callers
    /// only, up to <see cref="SimnetFaucetOptions.MaxPerNode"/>. Leave it null outside development.
    /// </summary>
    public static RouteGroupBuilder MapSimnetFacade(this IEndpointRouteBuilder endpoints, SimnetNetwork network, SimnetFaucetOptions? faucet = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(network);
        var group = endpoints.MapGroup("/simnet");
        if (faucet is not null) group.MapPost("/nodes", (HttpContext context) => CreateNodeAsync(context, network, faucet));
        var node = group.MapGroup("/{node}");
        node.MapGet("/v1/getinfo", (HttpContext c, string node) => Handle(c, network, node, GetInfo));
        node.MapGet("/v1/balance/channels", (HttpContext c, string node) => Handle(c, network, node, GetBalance));
        node.MapPost("/v1/invoices", (HttpContext c, string node) => Handle(c, network, node, AddInvoice));
        node.MapGet("/v1/invoices", (HttpContext c, string node) => Handle(c, network, node, ListInvoices));
        node.MapPost("/v2/invoices/hodl", (HttpContext c, string node) => Handle(c, network, node, AddHoldInvoice));
        node.MapPost("/v2/invoices/settle", (HttpContext c, string node) => Handle(c, network, node, SettleInvoice));
        node.MapPost("/v2/invoices/cancel", (HttpContext c, string node) => Handle(c, network, node, CancelInvoice));
        node.MapGet("/v2/invoices/lookup", (HttpContext c, string node) => Handle(c, network, node, LookupInvoice));
        node.MapGet("/v1/invoice/{rHashStr}", (HttpContext c, string node, string rHashStr) => Handle(c, network, node, n => LookupInvoiceHex(n, rHashStr)));
        node.MapGet("/v2/invoices/subscribe/{rHash}", (HttpContext c, string node, string rHash) => Handle(c, network, node, n => SubscribeInvoice(c, n, rHash), streaming: true));
        node.MapPost("/v2/router/send", (HttpContext c, string node) => Handle(c, network, node, n => SendPayment(c, n), streaming: true));
        node.MapGet("/v2/router/track/{paymentHash}", (HttpContext c, string node, string paymentHash) => Handle(c, network, node, n => TrackPayment(c, n, paymentHash), streaming: true));
        node.MapGet("/v1/payreq/{payReq}", (HttpContext c, string node, string payReq) => Handle(c, network, node, n => DecodePayReq(n, payReq)));
        node.MapPost("/v1/signmessage", (HttpContext c, string node) => Handle(c, network, node, SignMessage));
        return group;
    }

    /// <summary>What a facade handler produces: a JSON body, or nothing when it streamed the response itself.</summary>
    private sealed record Reply(object? Body, int Status = StatusCodes.Status200OK);

    private static async Task Handle(HttpContext context, SimnetNetwork network, string nodeName, Func<RequestContext, Task<Reply?>> handler, bool streaming = false)
    {
        var node = network.FindNode(nodeName);
        if (node is null)
        {
            await WriteError(context, StatusCodes.Status404NotFound, 5, $"no simnet node named '{nodeName}'");
            return;
        }
        if (!Authorized(context, node))
        {
            await WriteError(context, StatusCodes.Status401Unauthorized, 16, "verification failed: signature mismatch after caveat verification");
            return;
        }
        Reply? reply;
        try
        {
            reply = await handler(new RequestContext(context, node));
        }
        catch (Exception e) when (Translate(e) is { } error)
        {
            // grpc-gateway: a unary error is the bare status; a stream error is {"error": status}, with the
            // HTTP status mapped from the gRPC code when no message was sent yet.
            if (!streaming) await WriteError(context, error.Status, error.Code, error.Message);
            else
            {
                if (!context.Response.HasStarted) context.Response.StatusCode = error.Status;
                await WriteLine(context, new { error = new LndRpcStatus { Code = error.Code, Message = error.Message } });
            }
            return;
        }
        if (reply is not null)
        {
            context.Response.StatusCode = reply.Status;
            await context.Response.WriteAsJsonAsync(reply.Body, reply.Body?.GetType() ?? typeof(object), LndJson.Options);
        }
    }

    private sealed record RequestContext(HttpContext Http, SimnetNode Node);

    private sealed record ErrorReply(int Status, int Code, string Message);

    /// <summary>Client mistakes and refusals become LND-shaped 4xx errors; anything else propagates (a bug is a bug).</summary>
    private static ErrorReply? Translate(Exception e) => e switch
    {
        InvoiceNotFoundException or PaymentNotFoundException => new(StatusCodes.Status404NotFound, 5, e.Message),
        InvoiceStateException or PaymentRejectedException => new(StatusCodes.Status400BadRequest, 9, e.Message),
        LightningException => new(StatusCodes.Status400BadRequest, 2, e.Message),
        JsonException or FormatException or ArgumentException or Bolt11FormatException => new(StatusCodes.Status400BadRequest, 3, e.Message),
        _ => null,
    };

    private static bool Authorized(HttpContext context, SimnetNode node)
    {
        var presented = context.Request.Headers[MacaroonHeader].ToString();
        if (presented.Length == 0 || presented.Length % 2 != 0) return false;
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(presented);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(bytes, Convert.FromHexString(node.MacaroonHex));
    }

    private static async Task WriteError(HttpContext context, int status, int code, string message)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new LndRpcStatus { Code = code, Message = message }, LndJson.Options);
    }

    private static async Task WriteLine(HttpContext context, object value)
    {
        await context.Response.WriteAsync(JsonSerializer.Serialize(value, value.GetType(), LndJson.Options) + "\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Reads a request body strictly, as LND does: unknown fields are an error.</summary>
    private static async Task<T> ReadBody<T>(HttpContext context) where T : new()
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("the request body must be a JSON object");
        var known = typeof(T).GetProperties()
            .Select(p => p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), false)
                .Cast<System.Text.Json.Serialization.JsonPropertyNameAttribute>().FirstOrDefault()?.Name)
            .ToHashSet();
        var fields = new System.Text.Json.Nodes.JsonObject();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!known.Contains(property.Name)) throw new JsonException($"unknown field \"{property.Name}\"");
            // Protobuf JSON, which LND's REST gateway reads, takes null as the field's default: leave the default in place rather than a null.
            if (property.Value.ValueKind != JsonValueKind.Null) fields[property.Name] = System.Text.Json.Nodes.JsonNode.Parse(property.Value.GetRawText());
        }
        return fields.Deserialize<T>(LndJson.Options) ?? new T();
    }
}
