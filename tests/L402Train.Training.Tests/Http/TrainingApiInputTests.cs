using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace L402Train.Training.Tests.Http;

/// <summary>Whatever a client sends, the training API answers a 4xx naming the problem, never a 500.</summary>
public sealed class TrainingApiInputTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebApplication app => silo!.App;

    private HttpClient http => silo!.Http;

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("api", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
    }

    [Fact]
    public async Task An_unpaid_gradient_upload_gets_a_hold_deposit_challenge()
    {
        using var response = await http!.PutAsync("/gradient", new ByteArrayContent([1, 2, 3]), Ct);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.StartsWith("L402 macaroon=", response.Headers.WwwAuthenticate.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("hold", body.GetProperty("mode").GetString());
        Assert.Equal(1000, body.GetProperty("amount_sats").GetInt64());
        // A deposit is no fee: its own jobs settle or cancel it.
        var store = app!.Services.GetRequiredService<Runtime.IGrainStore>();
        Assert.Null(await store.FindJobAsync(Grains.Training.TrainingJobTypes.CheckCheckpointFee, body.GetProperty("payment_hash").GetString()!, Ct));
    }

    [Fact]
    public async Task An_unpaid_checkpoint_request_queues_the_fee_check_for_when_its_invoice_expires()
    {
        using var response = await http!.GetAsync("/checkpoint", Ct);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var hash = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("payment_hash").GetString()!;
        var store = app!.Services.GetRequiredService<Runtime.IGrainStore>();
        var job = await store.FindJobAsync(Grains.Training.TrainingJobTypes.CheckCheckpointFee, hash, Ct);
        Assert.NotNull(job);
        Assert.True(job.RunAt > app.Services.GetRequiredService<TimeProvider>().GetUtcNow() + TimeSpan.FromMinutes(9), $"runs at {job.RunAt}");
    }

    [Theory]
    [InlineData("L402 not-a-macaroon:zz")]
    [InlineData("L402")]
    [InlineData("LSAT ::::")]
    public async Task Malformed_credentials_are_400_on_paid_endpoints(string authorization)
    {
        foreach (var (method, path) in new[] { (HttpMethod.Put, "/gradient"), (HttpMethod.Get, "/checkpoint") })
        {
            using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent([0]) };
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await http!.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("/submissions/xyz", HttpStatusCode.BadRequest)]
    [InlineData("/submissions/0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound)]
    [InlineData("/submissions/0000000000000000000000000000000000000000000000000000000000000000?wait=abc", HttpStatusCode.BadRequest)]
    [InlineData("/submissions/0000000000000000000000000000000000000000000000000000000000000000?wait=-5", HttpStatusCode.BadRequest)]
    [InlineData("/rounds/0", HttpStatusCode.NotFound)]
    [InlineData("/rounds/99", HttpStatusCode.NotFound)]
    [InlineData("/rounds/1", HttpStatusCode.OK)]
    [InlineData("/rounds/abc", HttpStatusCode.NotFound)]
    public async Task Reads_answer_a_clear_status(string path, HttpStatusCode expected)
    {
        using var response = await http!.GetAsync(path, Ct);
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("xyz", "{}", HttpStatusCode.BadRequest)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "{\"invoice\":\"lnbc1\"}", HttpStatusCode.NotFound)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "not json at all", HttpStatusCode.NotFound)]
    public async Task Claims_for_bad_or_unknown_submissions_are_4xx(string id, string body, HttpStatusCode expected)
    {
        using var response = await http!.PostAsync($"/submissions/{id}/claim", new StringContent(body), Ct);
        Assert.Equal(expected, response.StatusCode);
    }
}
