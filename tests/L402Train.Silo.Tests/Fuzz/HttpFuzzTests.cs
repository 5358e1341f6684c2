using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.Protocol.Bounties;
using L402Train.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Silo.Tests.Fuzz;

/// <summary>
/// A bounded HTTP fuzz over every operation of the OpenAPI document, against the real silo
/// (SQLite, simnet, every role) on a loopback port: random methods, path and query values, bodies
/// (JSON-ish, mutated valid ones, junk, huge), headers (L402 junk, peer ids, macaroons) and odd
/// Content-Lengths over a bare socket. No answer may be a 5xx, and the silo must be alive after.
/// Set L402TRAIN_FUZZ_SEED to replay a run; request i of a seed is always the same request.
/// </summary>
public sealed partial class HttpFuzzTests : IAsyncLifetime
{
    private const int Requests = 20_000;
    private const int PaidRequests = 200; // of the Requests: each locks a fresh hold deposit to get past the gate
    private const int Concurrency = 16;
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("l402-fuzz-");
    private EmbeddedSilo? silo;
    private ILightningNode? fuzzWallet;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("fuzz", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
        work.Delete(recursive: true);
    }

    [Fact]
    public async Task Twenty_thousand_random_requests_over_every_endpoint_get_no_5xx_and_the_silo_stays_alive()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("L402TRAIN_FUZZ_SEED"), CultureInfo.InvariantCulture, out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        using var document = JsonDocument.Parse(await silo!.Http.GetStringAsync("openapi/v1.json", Ct));
        var documented = FuzzEndpoint.FromOpenApi(document.RootElement);
        Assert.True(documented.Count >= 30, $"the OpenAPI document lists {documented.Count} operations");
        // Routes the document leaves out (handlers taking only HttpContext are not described) are fuzzed too.
        var undocumented = MappedRoutes().Where(r => !documented.Any(d => d.Method == r.Method && d.Template == r.Template)).ToList();
        IReadOnlyList<FuzzEndpoint> endpoints = [.. documented, .. undocumented];
        var generator = new FuzzRequestGenerator(seed, endpoints, await TargetsAsync());
        var port = new Uri(silo.Url).Port;
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Concurrency * 2,
            AllowAutoRedirect = false,
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(silo.Url), Timeout = PerRequest };

        using var paying = new HttpClient(new L402PaymentHandler(fuzzWallet!, new L402ClientOptions { Budget = new L402Budget(new Sats(10_000)) })
        {
            InnerHandler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 },
        }) { BaseAddress = new Uri(silo.Url), Timeout = PerRequest };

        var statuses = new ConcurrentDictionary<int, int>();
        var serverErrors = new ConcurrentQueue<string>();
        var noResponse = new ConcurrentQueue<string>();
        int next = -1, timeouts = 0, dropped = 0;
        var started = TimeProvider.System.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Requests; i = Interlocked.Increment(ref next))
            {
                var paid = i >= Requests - PaidRequests;
                var request = paid ? generator.NextPaid(i) : generator.Next(i);
                int? status;
                try
                {
                    status = paid ? await SendAsync(paying, request)
                        : request.OddContentLength is null ? await SendAsync(http, request) : await RawHttp.SendAsync(port, request, PerRequest, Ct);
                }
                catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref timeouts);
                    continue;
                }
                catch (L402PaymentRefusedException ex)
                {
                    serverErrors.Enqueue($"the deposit could not be paid ({ex.Message}) {request}");
                    continue;
                }
                catch (HttpRequestException)
                {
                    status = null; // the server closed the connection (e.g. after refusing a huge body early)
                }
                if (status is not { } code) { Interlocked.Increment(ref dropped); noResponse.Enqueue(request.ToString()); continue; }
                statuses.AddOrUpdate(code, 1, (_, n) => n + 1);
                if (code >= 500) serverErrors.Enqueue($"{code} {request}");
            }
        }, Ct)));
        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;

        using var alive = await silo.Http.GetAsync("alive", Ct);
        var total = statuses.Values.Sum() + timeouts + dropped;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"fuzz seed={seed} operations={documented.Count}+{undocumented.Count} ({string.Join(" ", undocumented.Select(u => $"{u.Method} {u.Template}"))}) requests={total} 5xx={serverErrors.Count} timeouts={timeouts} no_response={dropped} seconds={seconds:0.0} statuses={string.Join(",", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}"))}");
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        foreach (var line in noResponse.Take(20)) TestContext.Current.TestOutputHelper?.WriteLine("no response: " + (line.Length > 200 ? line[..200] : line));
        TestContext.Current.SendDiagnosticMessage(summary);
        Assert.True(serverErrors.IsEmpty, $"{summary}\n{string.Join("\n", serverErrors.Take(30))}");
        Assert.Equal(Requests, total);
        Assert.True(timeouts == 0, $"{summary}: a request that never finishes is a hang");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    private IEnumerable<FuzzEndpoint> MappedRoutes() =>
        silo!.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.Contains("openapi", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new FuzzEndpoint(
                method, "/" + Unconstrained().Replace(e.RoutePattern.RawText!.TrimStart('/'), "{$1}"), [.. e.RoutePattern.Parameters.Select(p => p.Name)], [])));

    // The document writes {n} where the route says {n:int}.
    [System.Text.RegularExpressions.GeneratedRegex(@"\{(\w+):[^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex Unconstrained();

    private static async Task<int?> SendAsync(HttpClient http, FuzzRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.PathAndQuery.TrimStart('/'));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is { } type) message.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, Ct);
        return (int)response.StatusCode;
    }

    // Real values to mix in: a funded wallet with its macaroon, a posted bounty, and a settled invoice (so streams on it end at once).
    private async Task<FuzzTargets> TargetsAsync()
    {
        var node = silo!.Network.CreateFundedNode("fuzz", new Sats(5_000_000));
        fuzzWallet = node;
        var invoice = await silo.Network.Coordinator.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(1_000).ToMilliSats(), "fuzz", TimeSpan.FromHours(1)), Ct);
        Assert.Equal(PaymentStatus.Succeeded, (await node.PayAsync(new PaymentRequest(invoice.PaymentRequest, new Sats(10).ToMilliSats(), TimeSpan.FromSeconds(30)), Ct)).Status);
        var folder = Path.Combine(work.FullName, "bounty");
        SponsorFolder.WriteExample(folder);
        var bounty = SponsorFolder.Pack(folder, TimeProvider.System.GetUtcNow()).Request;
        using var created = await silo.Http.PostAsJsonAsync("bounties", bounty, BountyClient.Json, Ct);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        var id = (await created.Content.ReadFromJsonAsync<BountyCreated>(BountyClient.Json, Ct))!.Id;
        return new FuzzTargets("fuzz", node.MacaroonHex, id, invoice.PaymentRequest, invoice.Hash.ToHex(), JsonSerializer.Serialize(bounty, BountyClient.Json));
    }
}
