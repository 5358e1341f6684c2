using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace L402Train.Silo.Tests.Inference;

/// <summary>A stand-in provider on a loopback port whose chat completions route does what a test needs (fail, break, replay a 402).</summary>
internal sealed class FakeProvider : IAsyncDisposable
{
    private readonly WebApplication app;
    private int calls;

    private FakeProvider(WebApplication app) => this.app = app;

    public string Url => app.Urls.First() + "/";

    public int Calls => Volatile.Read(ref calls);

    public static async Task<FakeProvider> StartAsync(Func<HttpContext, Task> completions, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeProvider? self = null;
        app.MapPost("/v1/chat/completions", async (HttpContext http, CancellationToken _) =>
        {
            Interlocked.Increment(ref self!.calls);
            await completions(http);
        });
        await app.StartAsync(cancellationToken);
        return self = new FakeProvider(app);
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
