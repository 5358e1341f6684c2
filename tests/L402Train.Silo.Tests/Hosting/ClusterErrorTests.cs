using System.Net;
using System.Reflection;
using System.Text.Json;
using L402Train.Runtime;
using L402Train.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OrleansInconsistentState = Orleans.Storage.InconsistentStateException;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>Cluster events that escape a grain call reach clients as 409 or 503 + Retry-After problems, never a 500.</summary>
public sealed class ClusterErrorTests
{
    [Fact]
    public async Task Conflicts_are_409_and_unavailable_silos_timeouts_and_rejections_are_503_with_retry_after()
    {
        var dir = Directory.CreateTempSubdirectory("l402-cluster-errors-");
        var settings = SiloSettings.Load(new Dictionary<string, string?>
        {
            ["Store"] = "memory",
            ["Urls"] = "http://127.0.0.1:0",
            ["Roles"] = "gateway",
        }, new Dictionary<string, string?>(), dir.FullName);
        var thrown = new Dictionary<string, Func<Exception>>
        {
            ["orleans-conflict"] = () => new OrleansInconsistentState("stale", "1", "2"),
            ["wrapped-conflict"] = () => new OrleansException("Error from storage provider", new OrleansInconsistentState("stale", "1", "2")),
            ["store-conflict"] = () => new InconsistentStateException(new GrainStateId("round", "1", "round"), "1"),
            ["silo-unavailable"] = () => new SiloUnavailableException("silo S127.0.0.1:11111 is dead"),
            ["timeout"] = () => new TimeoutException("response timed out"),
            // Its constructors are internal: only the runtime raises it (a silo refused or could not take the message).
            ["rejected"] = () => (Exception)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
                BindingFlags.Instance | BindingFlags.NonPublic, null, ["connection refused"], null)!,
            // Silos that do not share one data folder: another silo wrote the checkpoint this one must serve.
            ["blob-missing"] = () => new BlobNotFoundException(ContentHash.Of([1, 2, 3]), "/data/blobs/ab/abc"),
            ["bug"] = () => new InvalidOperationException("a plain bug stays a 500"),
        };
        var app = SiloHost.Build(settings, map: app =>
        {
            foreach (var (name, create) in thrown) app.MapGet($"/test/{name}", (Func<IResult>)(() => throw create()));
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            foreach (var name in new[] { "orleans-conflict", "wrapped-conflict", "store-conflict" })
            {
                using var response = await http.GetAsync($"/test/{name}", TestContext.Current.CancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{name}: {response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Null(response.Headers.RetryAfter);
            }
            foreach (var name in new[] { "silo-unavailable", "timeout", "rejected", "blob-missing" })
            {
                using var response = await http.GetAsync($"/test/{name}", TestContext.Current.CancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{name}: {response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
                Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
                Assert.DoesNotContain("/data/blobs", problem.RootElement.GetRawText(), StringComparison.Ordinal);
            }
            using var bug = await http.GetAsync("/test/bug", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.InternalServerError, bug.StatusCode);
        }
        finally
        {
            await app.DisposeAsync();
            dir.Delete(recursive: true);
        }
    }
}
