using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
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
    }

    [Fact]
    public async Task Anonymous_challenges_write_no_rows()
    {
        var before = await CountRowsAsync();
        const int Challenges = 1_000;
        for (var i = 0; i < Challenges; i++)
        {
            using var response = await http!.GetAsync("/checkpoint", Ct);
            Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        }
        using (var deposit = await http!.PutAsync("/gradient", new ByteArrayContent([1, 2, 3]), Ct)) Assert.Equal(HttpStatusCode.PaymentRequired, deposit.StatusCode);

        var after = await CountRowsAsync();

        // Rows per anonymous request = 0: a challenge's invoice lives on the node, the fee sweep finds it there once paid.
        Assert.Equal(before, after);
        TestContext.Current.TestOutputHelper?.WriteLine($"rows_per_1000_anonymous_challenges={after.State + after.Jobs - before.State - before.Jobs}");
    }

    /// <summary>
    /// Rows in the silo's grain state and job tables (the embedded SQLite store), leaving out the periodic
    /// jobs (one row per run, whatever the traffic), whose next run may fall inside the test.
    /// </summary>
    private async Task<(long State, long Jobs)> CountRowsAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(silo!.DataDir.FullName, "l402train.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Ct);
        async Task<long> CountAsync(string table)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table}";
            return (long)(await command.ExecuteScalarAsync(Ct))!;
        }
        return (await CountAsync("grain_state"), await CountAsync("grain_jobs WHERE type NOT IN ('fees.sweep', 'money.sweep-dead', 'retention.prune')"));
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
