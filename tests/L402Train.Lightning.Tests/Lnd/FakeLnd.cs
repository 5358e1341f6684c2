using System.Net;
using System.Text;
using L402Train.Lightning.Lnd;

namespace L402Train.Lightning.Tests.Lnd;

/// <summary>Answers the LND client with recorded LND responses and keeps what the client sent.</summary>
internal sealed class FakeLnd : HttpMessageHandler
{
    private readonly Queue<(HttpStatusCode Status, string Body)> answers = new();

    public List<(HttpMethod Method, string PathAndQuery, string? Body, string? Macaroon)> Requests { get; } = [];

    public FakeLnd Answer(string body, HttpStatusCode status = HttpStatusCode.OK)
    {
        answers.Enqueue((status, body));
        return this;
    }

    public LndRestClient Client() =>
        new(new HttpClient(this) { BaseAddress = new Uri("https://lnd.test:8080/") },
            new LndRestOptions(new Uri("https://lnd.test:8080/"), "0201036c6e64") { RetryDelay = TimeSpan.Zero });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method, request.RequestUri!.PathAndQuery, body,
            request.Headers.TryGetValues("Grpc-Metadata-macaroon", out var values) ? values.Single() : null));
        var (status, text) = answers.Dequeue();
        return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
    }
}
