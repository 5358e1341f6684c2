using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>
/// A worker started with <c>--worker-index-url</c> lists itself at the index as soon as it listens, under the address it
/// actually got. Before, the first post ran before the server listened and named the configured URL (port 0 in tests, or
/// any wildcard binding), so the index stayed empty until the next refresh two minutes later, and then named a port
/// nobody could reach; a timed-out post also escaped the background service and stopped the silo.
/// </summary>
public sealed class IndexRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_with_an_index_url_is_listed_there_at_start_under_the_port_it_listens_on()
    {
        await using var index = await WorkerHost.StartAsync("gateway,settler");
        await using var worker = await WorkerHost.StartAsync("settler,worker",
            s => s with { Workers = s.Workers with { IndexUrl = index.Http.BaseAddress } });

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        JsonElement items;
        while ((items = (await index.Http.GetFromJsonAsync<JsonElement>("/api/v1/public/agents", deadline.Token)).GetProperty("items")).GetArrayLength() == 0)
            await Task.Delay(50, deadline.Token); // the index has no push to wait on; the post comes right after start

        var registration = items[0].GetProperty("raw_metadata").GetProperty("offchain_content");
        var endpoints = registration.GetProperty("services").EnumerateArray()
            .Where(s => s.TryGetProperty("endpoint", out _)).Select(s => s.GetProperty("endpoint").GetString()!)
            .Select(e => Uri.TryCreate(e, UriKind.Absolute, out var uri) ? uri : null).OfType<Uri>().ToList();
        var workerAuthority = worker.Http.BaseAddress!.Authority;
        Assert.Contains(endpoints, e => e.Authority == workerAuthority);
        Assert.DoesNotContain(endpoints, e => e.Port == 0);
    }
}
