using System.Net;
using System.Text.Json.Nodes;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Inference;
using Microsoft.AspNetCore.Http;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// Model match in the ranking: a provider that refuses the requested model (OpenAI's
/// <c>model_not_found</c>, before any payment) is skipped for the next one without counting as a
/// failure, and tried last for that model from then on; when every provider refuses, the caller gets
/// the provider's own 400, and nothing is paid.
/// </summary>
public sealed class ModelMatchTests() : AgentOnSilo("infer-model")
{
    private const string ServedModel = "l402train-gpt";

    private string ResultsPath => Path.Combine(work.FullName, "results.jsonl");

    [Fact]
    public async Task A_provider_that_does_not_serve_the_model_is_skipped_without_a_failure_and_tried_last_for_that_model()
    {
        await using var other = await OtherModelProvider();
        var history = new ProviderHistory(CachePath, TimeProvider.System);
        using var router = Router([other.Url, Provider], history);

        var answer = await router.CompleteAsync(Chat(ServedModel), null, Ct);

        Assert.Equal((HttpStatusCode.OK, Provider), (answer.Status, answer.Provider));
        Assert.Equal($"{other.Url}: does not serve model '{ServedModel}'", Assert.Single(answer.Skipped));
        Assert.Equal(3, await SpentSatAsync());
        var refused = (await history.ReadAsync(Ct))[other.Url];
        Assert.Equal((0, 0, ServedModel), (refused.Successes, refused.Failures, Assert.Single(refused.UnservedModels)));

        // For that model it now goes last, and is not asked again while the silo answers.
        Assert.Equal([Provider, other.Url], await router.RankAsync(Ct, ServedModel));
        var again = await router.CompleteAsync(Chat(ServedModel), null, Ct);
        Assert.Equal((Provider, 1), (again.Provider, other.Calls));
        Assert.Empty(again.Skipped);
        Assert.Equal(6, await SpentSatAsync());
        Assert.Equal(2, ProvenanceLog.Read(ResultsPath).Count);
    }

    [Fact]
    public async Task When_every_provider_refuses_the_model_the_caller_gets_the_OpenAI_400_and_nothing_is_paid()
    {
        var history = new ProviderHistory(CachePath, TimeProvider.System);
        using var router = Router([Provider], history);

        // The silo serves only its own model: a request for another is its 400, passed on as is.
        var answer = await router.CompleteAsync(Chat("gpt-4o"), null, Ct);

        Assert.Equal((HttpStatusCode.BadRequest, Provider), (answer.Status, answer.Provider));
        Assert.Equal("model_not_found", JsonNode.Parse(answer.Body)!["error"]!["code"]!.GetValue<string>());
        Assert.Null(answer.Payment);
        Assert.Equal(0, await SpentSatAsync());
        Assert.False(File.Exists(ResultsPath));
        Assert.Equal("gpt-4o", Assert.Single((await history.ReadAsync(Ct))[Provider].UnservedModels));

        // The refusal is about that model only: the served one is answered and paid as usual.
        var served = await router.CompleteAsync(Chat(ServedModel), null, Ct);
        Assert.Equal((HttpStatusCode.OK, 3L), (served.Status, await SpentSatAsync()));
    }

    [Fact]
    public async Task A_refused_model_ranks_its_provider_last_only_for_that_model_and_an_answer_for_it_clears_the_mark()
    {
        var history = new ProviderHistory(CachePath, TimeProvider.System);
        const string cheap = "http://cheap.example/";
        const string dear = "http://dear.example/";
        await history.RecordSuccessAsync(cheap, TimeSpan.FromMilliseconds(10), 100, Ct);
        await history.RecordSuccessAsync(dear, TimeSpan.FromMilliseconds(10), 900, Ct);
        await history.RecordUnservedModelAsync(cheap, "big", Ct);
        var measured = await history.ReadAsync(Ct);

        Assert.Equal([dear, cheap], ProviderRanking.Rank([cheap, dear], measured, "big"));
        Assert.Equal([cheap, dear], ProviderRanking.Rank([cheap, dear], measured, "small"));
        Assert.Equal([cheap, dear], ProviderRanking.Rank([cheap, dear], measured));

        // Its operator installed the model: the next answer for it takes the mark off.
        await history.RecordSuccessAsync(cheap, TimeSpan.FromMilliseconds(10), 100, Ct, model: "big");
        Assert.Equal([cheap, dear], ProviderRanking.Rank([cheap, dear], await history.ReadAsync(Ct), "big"));
    }

    private InferenceRouter Router(IEnumerable<string> providers, ProviderHistory history) =>
        new(wallet!, new L402ClientOptions { Budget = new L402Budget(new Sats(1_000)) },
            new InferenceRouterOptions([.. providers.Select(p => new Uri(p))], TimeSpan.FromSeconds(30)),
            history, new ProvenanceLog(ResultsPath, TimeProvider.System));

    // A provider of another model: it refuses ours before asking for money, the way the gateway refuses any but its own.
    private static Task<FakeProvider> OtherModelProvider() => FakeProvider.StartAsync(async http =>
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        await http.Response.WriteAsJsonAsync(JsonNode.Parse($$$"""
            {"error":{"message":"The model '{{{ServedModel}}}' does not exist; this provider serves 'other-gpt'.","type":"invalid_request_error","param":"model","code":"model_not_found"}}
            """), http.RequestAborted);
    }, Ct);

    private static JsonObject Chat(string model) => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "And God said" }),
        ["max_tokens"] = 16,
        ["temperature"] = 0,
    };
}
