using System.Text.Json;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Inference;
using L402Train.Testing;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// The official OpenAI JavaScript SDK (npm <c>openai</c>, in tests/js) against our two endpoints:
/// through <c>infer serve</c> it gets a completion and a stream, paid over Lightning behind its
/// back; straight at the gateway it gets a clear 402 as an <c>APIError</c>.
/// </summary>
public sealed class OpenAiSdkTests : IAsyncLifetime
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("l402-openai-");
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("openai-sdk", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
        work.Delete(recursive: true);
    }

    [Fact]
    public async Task The_openai_sdk_gets_a_completion_and_a_stream_through_infer_serve_and_a_402_api_error_from_the_gateway()
    {
        var wallet = silo!.Network.CreateNode("sdk");
        silo.Network.OpenChannel("sdk", SimnetNetwork.CoordinatorName, new Sats(10_000).ToMilliSats(), new MilliSats(0));
        using var router = new InferenceRouter(wallet, new L402ClientOptions { Budget = new L402Budget(new Sats(100)) },
            new InferenceRouterOptions([new Uri(silo.Url)], TimeSpan.FromSeconds(30)),
            new ProviderHistory(Path.Combine(work.FullName, "providers.json"), TimeProvider.System),
            new ProvenanceLog(Path.Combine(work.FullName, "results.jsonl"), TimeProvider.System));
        await using var proxy = await InferenceProxy.StartAsync(router, "http://127.0.0.1:0", Ct);

        var output = await NodeScript.RunAsync("""
            const OpenAI = require('openai');
            const [proxy, gateway] = require('fs').readFileSync(0, 'utf8').trim().split(' ');
            const messages = [{ role: 'user', content: 'In the beginning' }];
            (async () => {
              const viaProxy = new OpenAI({ baseURL: proxy + '/v1', apiKey: 'paid-over-lightning', maxRetries: 0 });
              const models = await viaProxy.models.list();
              const completion = await viaProxy.chat.completions.create({ model: 'l402train-gpt', messages, max_tokens: 16, temperature: 0 });
              const stream = await viaProxy.chat.completions.create({ model: 'l402train-gpt', messages, max_tokens: 16, temperature: 0, stream: true });
              let streamed = '', chunks = 0;
              for await (const chunk of stream) { chunks++; streamed += chunk.choices[0]?.delta?.content ?? ''; }
              let direct = null;
              try {
                await new OpenAI({ baseURL: gateway + '/v1', apiKey: 'none', maxRetries: 0 }).chat.completions.create({ model: 'l402train-gpt', messages, max_tokens: 16 });
              } catch (e) {
                direct = { apiError: e instanceof OpenAI.APIError, status: e.status, message: e.message };
              }
              console.log(JSON.stringify({ model: models.data[0].id, text: completion.choices[0].message.content, usage: completion.usage, streamed, chunks, direct }));
            })().catch(e => { console.error(e); process.exit(1); });
            """, $"{proxy.Url} {silo.Url}");

        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal("l402train-gpt", result.GetProperty("model").GetString());
        Assert.Equal(result.GetProperty("text").GetString(), result.GetProperty("streamed").GetString());
        Assert.True(result.GetProperty("chunks").GetInt32() >= 2);
        Assert.True(result.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
        var direct = result.GetProperty("direct");
        Assert.True(direct.GetProperty("apiError").GetBoolean());
        Assert.Equal(402, direct.GetProperty("status").GetInt32());
        Assert.Contains("402", direct.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(6, 10_000 - (await wallet.GetBalanceAsync(Ct)).Local.ToSatsFloor().Value);
    }
}
