using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Lightning.Simnet;
using L402Train.Lightning;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace L402Train.Training.Tests.Http;

/// <summary>
/// <c>PUT /gradient</c> behind a paid hold deposit, on a real silo (SQLite, simnet): the token is
/// single-use through its durable record, and bodies a client gets wrong are answered with a 4xx.
/// </summary>
public sealed class GradientUploadTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;
    private SimnetNode? payer;
    private string? lastHash;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebApplication app => silo!.App;

    private HttpClient http => silo!.Http;

    public async ValueTask InitializeAsync()
    {
        silo = await EmbeddedSilo.StartAsync("upload", cancellationToken: Ct);
        payer = silo.Network.CreateFundedNode("payer", new Sats(100_000));
    }

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
    }

    [Fact]
    public async Task A_retried_upload_with_the_same_deposit_token_is_409_and_files_nothing_more()
    {
        var credential = await PaidDepositAsync();
        byte[] payload = [0x4C, 0x32, 0x01, 0x02, 0x03];

        using var first = await PutGradientAsync(payload, credential);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("submission_id").GetString();

        using var retry = await PutGradientAsync(payload, credential);
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal("application/problem+json", retry.Content.Headers.ContentType?.MediaType);

        var grains = app!.Services.GetRequiredService<IGrainFactory>();
        var round = await grains.GetGrain<IRoundGrain>(1).GetAsync();
        Assert.Equal(id, Assert.Single(round.Submissions).Id);
        Assert.Single((await grains.GetGrain<IPeerGrain>("payer").GetAsync()).Submissions);
    }

    [Fact]
    public async Task A_paid_upload_with_an_empty_body_is_400_and_its_deposit_is_refunded_at_once()
    {
        var credential = await PaidDepositAsync();
        var before = await payer!.GetBalanceAsync(Ct);

        using var response = await PutGradientAsync([], credential);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var grains = app!.Services.GetRequiredService<IGrainFactory>();
        Assert.Empty((await grains.GetGrain<IRoundGrain>(1).GetAsync()).Submissions);
        var refused = await WaitForRefundAsync(grains, lastHash!);
        Assert.Equal(DepositStatus.Refunded, refused.Deposit);
        Assert.NotNull(refused.Refused);
        Assert.Equal(InvoiceState.Canceled, (await app.Services.GetRequiredService<ILightningNode>().LookupInvoiceAsync(PaymentHash.FromHex(lastHash!), Ct))!.State);
        Assert.Equal(before.Local + new Sats(1_000).ToMilliSats(), (await payer.GetBalanceAsync(Ct)).Local);
        using var again = await PutGradientAsync([1, 2, 3], credential);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Theory]
    [InlineData(129)]
    [InlineData(4000)]
    public async Task A_bad_peer_header_is_400_before_the_gate_so_no_deposit_is_taken(int length)
    {
        using var unpaid = new HttpRequestMessage(HttpMethod.Put, "/gradient") { Content = new ByteArrayContent([1, 2, 3]) };
        unpaid.Headers.Add(Gateway.Apis.TrainingApi.PeerHeader, new string('p', length));
        using var refused = await http!.SendAsync(unpaid, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains(Gateway.Apis.TrainingApi.PeerHeader, await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // With a paid deposit the bad header is refused before the token is consumed: it still pays for a good request.
        var credential = await PaidDepositAsync();
        using var bad = new HttpRequestMessage(HttpMethod.Put, "/gradient") { Content = new ByteArrayContent([1, 2, 3]) };
        bad.Headers.TryAddWithoutValidation("Authorization", credential);
        bad.Headers.Add(Gateway.Apis.TrainingApi.PeerHeader, new string('p', length));
        using var badResponse = await http!.SendAsync(bad, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
        using var good = await PutGradientAsync([1, 2, 3], credential);
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
    }

    [Fact]
    public async Task A_consumed_deposit_queues_its_unfiled_check_and_the_settler_keeps_a_sweep_of_dead_money_jobs_queued()
    {
        var store = app!.Services.GetRequiredService<IGrainStore>();
        Assert.Single(await store.ListJobsAsync(Grains.Payments.SweepDeadJobsHandler.JobType, JobState.Available, 0, 10, Ct));
        var credential = await PaidDepositAsync();
        var consumedBefore = TimeProvider.System.GetUtcNow();

        using var response = await PutGradientAsync([1, 2, 3], credential);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var check = await store.FindJobAsync(Grains.Payments.UnfiledDepositJob.JobType, lastHash!, Ct);
        Assert.NotNull(check);
        // Due after the grace period (default 5 min), so the filed upload is long recorded by then.
        Assert.InRange(check.RunAt, consumedBefore.AddMinutes(5).AddSeconds(-1), TimeProvider.System.GetUtcNow().AddMinutes(5).AddSeconds(1));
    }

    // The refund is an outbox job: wait for the silo to report a finished job, re-reading after each.
    private async Task<SubmissionState> WaitForRefundAsync(IGrainFactory grains, string hash)
    {
        var silo = app!.Services.GetRequiredService<Runtime.JobWorkerParticipant>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var finished = new TaskCompletionSource();
            void OnFinished(JobOutcome _) => finished.TrySetResult();
            silo.JobFinished += OnFinished;
            try
            {
                var state = await grains.GetGrain<ISubmissionGrain>(hash).GetAsync();
                if (state.DepositResolvedAt is not null) return state;
                await finished.Task.WaitAsync(timeout.Token);
            }
            finally
            {
                silo.JobFinished -= OnFinished;
            }
        }
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"invoice\": 42}")]
    [InlineData("{\"invoice\": \"lnbc1notaninvoice\"}")]
    [InlineData("[]")]
    public async Task A_claim_with_a_garbage_body_is_4xx_even_with_the_right_macaroon(string body)
    {
        var credential = await PaidDepositAsync();
        using var upload = await PutGradientAsync([1, 2, 3], credential);
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("submission_id").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/submissions/{id}/claim") { Content = new StringContent(body) };
        request.Headers.TryAddWithoutValidation("Authorization", credential);
        using var response = await http!.SendAsync(request, Ct);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    // The 402 challenge for a deposit, its hold invoice paid by the payer (HTLC held), and the credential that proves it.
    private async Task<string> PaidDepositAsync()
    {
        using var challenge = await http!.PutAsync("/gradient", new ByteArrayContent([1]), Ct);
        Assert.Equal(HttpStatusCode.PaymentRequired, challenge.StatusCode);
        var body = await challenge.Content.ReadFromJsonAsync<JsonElement>(Ct);
        lastHash = body.GetProperty("payment_hash").GetString();
        await foreach (var update in payer!.SendPaymentAsync(new PaymentRequest(body.GetProperty("invoice").GetString()!, MilliSats.Zero, TimeSpan.FromSeconds(30)), Ct))
            if (update.Status == PaymentStatus.InFlight) break;
        return $"L402 {body.GetProperty("macaroon").GetString()}:";
    }

    private async Task<HttpResponseMessage> PutGradientAsync(byte[] payload, string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/gradient") { Content = new ByteArrayContent(payload) };
        request.Headers.TryAddWithoutValidation("Authorization", credential);
        request.Headers.Add(Gateway.Apis.TrainingApi.PeerHeader, "payer");
        return await http!.SendAsync(request, Ct);
    }
}
