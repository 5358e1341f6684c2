using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.PeerAgent.Research;

namespace L402Train.Silo.Tests.Research;

/// <summary>THINK through an OpenAI-compatible improver: a usable reply is the next config, an unusable one is sent back, a silent endpoint falls back to the climb.</summary>
public sealed class ChatConfigThinkerTests
{
    private static readonly ResearchExperiment Trainer = new(new JsonObject());

    private static ResearchState State() => new()
    {
        Experiment = "trainer", Completed = 1, BestValBpb = 4.2,
        BestConfig = new JsonObject { ["learning_rate"] = 0.003, ["steps"] = 40 },
    };

    private static ChatConfigThinker Thinker(Queue<string> replies, List<string> prompts, HttpStatusCode status = HttpStatusCode.OK) =>
        new(new HttpClient(new Chat(replies, prompts, status)), new Uri("http://improver.invalid/"), "m", Trainer, new ClimbThinker());

    [Fact]
    public async Task A_fenced_json_config_is_the_next_idea_named_by_what_it_changed()
    {
        var prompts = new List<string>();
        var idea = await Thinker(new(["Try more steps:\n```json\n{\"learning_rate\": 0.003, \"steps\": 120}\n```"]), prompts)
            .ThinkAsync(State(), [], TestContext.Current.CancellationToken);

        Assert.Equal(("improver: steps=120", 120), (idea!.Move, (int)idea.Config["steps"]!));
        Assert.Contains("val_bpb 4.2000", Assert.Single(prompts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_with_an_unknown_field_or_a_config_already_run_is_sent_back_with_the_reason()
    {
        var prompts = new List<string>();
        var tried = State() with { Tried = [ConfigKey.Of(new JsonObject { ["learning_rate"] = 0.004, ["steps"] = 40 })] };
        var idea = await Thinker(new(["{\"learnin_rate\": 0.01}", "{\"learning_rate\": 0.004, \"steps\": 40}", "{\"learning_rate\": 0.005, \"steps\": 40}"]), prompts)
            .ThinkAsync(tried, [], TestContext.Current.CancellationToken);

        Assert.Equal("improver: learning_rate=0.005", idea!.Move);
        Assert.Contains("'learnin_rate' is not a trainer setting", prompts[1], StringComparison.Ordinal);
        Assert.Contains("that config has run already", prompts[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_improver_that_fails_leaves_the_proposal_to_the_climb()
    {
        var idea = await Thinker(new(["unused"]), [], HttpStatusCode.ServiceUnavailable).ThinkAsync(State(), [], TestContext.Current.CancellationToken);
        Assert.Equal("learning_rate x1.5", idea!.Move);
    }

    private sealed class Chat(Queue<string> replies, List<string> prompts, HttpStatusCode status) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
            prompts.Add(body["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>());
            var answer = new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = replies.Dequeue() } }) };
            return new HttpResponseMessage(status) { Content = new StringContent(JsonSerializer.Serialize(answer), Encoding.UTF8, "application/json") };
        }
    }
}
