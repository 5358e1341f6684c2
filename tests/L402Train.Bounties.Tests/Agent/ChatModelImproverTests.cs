using System.Text.Json;
using L402Train.Bounties.Diffs;
using L402Train.Bounties.Improvers;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using Xunit;

namespace L402Train.Bounties.Tests.Agent;

public sealed class ChatModelImproverTests : IDisposable
{
    private const string Config = "threshold = 0.5\nbias = 0.0\nweight_link = 0.5\n";

    private const string GoodReply = """
        Raising the link weight should catch more spam.
        ```diff
        --- a/classifier.conf
        +++ b/classifier.conf
        @@ -1,3 +1,3 @@
         threshold = 0.5
         bias = 0.0
        -weight_link = 0.5
        +weight_link = 1.5
        ```
        """;

    private static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string> { ["classifier.conf"] = Config };
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402train-chat");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ImprovementContext Context => new(Files, 0.75, MetricDirection.Maximize, [new ImprovementStep(1, "bias 0.0 -> 0.2", 0.7, false)]);

    private static ChatModelImprover Improver(HttpClient http, Uri url, int attempts = 3) =>
        new(http, new ChatModelOptions(url, "test-model", "sk-test", "Tune the spam filter", new DiffPolicy(["classifier.conf"], 16_384, ["curl"]), attempts));

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Applies_the_fenced_diff_of_the_reply_to_the_target_files()
    {
        await using var host = await ChatEndpointHost.StartAsync(priced: false, GoodReply);
        using var http = new HttpClient();

        var proposal = await Improver(http, host.BaseAddress).ProposeAsync(Context, Ct);

        Assert.NotNull(proposal);
        Assert.Equal("threshold = 0.5\nbias = 0.0\nweight_link = 1.5\n", proposal.Files["classifier.conf"]);
        Assert.Equal("llm: Raising the link weight should catch more spam.", proposal.Description);
        var request = Assert.Single(host.Requests);
        Assert.Equal("test-model", request.GetProperty("model").GetString());
        var prompt = request.GetProperty("messages")[1].GetProperty("content").GetString()!;
        Assert.Contains("weight_link = 0.5", prompt, StringComparison.Ordinal);
        Assert.Contains("current best: 0.75", prompt, StringComparison.Ordinal);
        Assert.Contains("bias 0.0 -> 0.2: 0.7, discarded", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sends_an_unusable_reply_back_with_the_reason_and_uses_the_corrected_one()
    {
        var traversal = GoodReply.Replace("a/classifier.conf", "a/../etc/passwd", StringComparison.Ordinal);
        await using var host = await ChatEndpointHost.StartAsync(priced: false, "I would rather not.", traversal, GoodReply);
        using var http = new HttpClient();

        var proposal = await Improver(http, host.BaseAddress).ProposeAsync(Context, Ct);

        Assert.NotNull(proposal);
        var requests = host.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Contains("holds no unified diff", Last(requests[1]), StringComparison.Ordinal);
        Assert.Contains("path_traversal", Last(requests[2]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gives_up_after_its_attempts_when_no_reply_applies()
    {
        var forbidden = GoodReply.Replace("+weight_link = 1.5", "+weight_link = 1.5 # curl evil", StringComparison.Ordinal);
        await using var host = await ChatEndpointHost.StartAsync(priced: false, forbidden, forbidden);
        using var http = new HttpClient();

        var proposal = await Improver(http, host.BaseAddress, attempts: 2).ProposeAsync(Context, Ct);

        Assert.Null(proposal);
        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task Pays_an_endpoint_priced_with_L402_and_logs_the_payment()
    {
        await using var host = await ChatEndpointHost.StartAsync(priced: true, GoodReply, GoodReply);
        var log = new ProvenanceLog(Path.Combine(dir.FullName, "results.jsonl"), TimeProvider.System);
        var handler = new L402PaymentHandler(host.Payer, new L402ClientOptions { Budget = new L402Budget(new Sats(100)), MaxFee = Sats.Zero },
            receipts: new ProvenanceReceiptSink(log, "llm", "b-1", "alice")) { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(handler);
        var before = await host.Payer.GetBalanceAsync(Ct);

        var improver = Improver(http, host.BaseAddress);
        var first = await improver.ProposeAsync(Context, Ct);
        var second = await improver.ProposeAsync(Context, Ct);

        Assert.NotNull(first);
        Assert.NotNull(second);
        var after = await host.Payer.GetBalanceAsync(Ct);
        // One token bought, then reused from the cache: the price is paid once.
        Assert.Equal(new Sats(ChatEndpointHost.PriceSat).ToMilliSats(), before.Local - after.Local);
        var line = Assert.Single(ProvenanceLog.Read(log.Path));
        Assert.Equal("llm", line.Action);
        Assert.Equal(ChatEndpointHost.PriceSat, line.Sats);
        Assert.True(PaymentHash.FromHex(line.PaymentHash!).Matches(Preimage.FromHex(line.Preimage!)));
        Assert.EndsWith("/v1/chat/completions", line.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("```\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n```", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")]
    [InlineData("```python\nprint(1)\n```\nthen\n```patch\ndiff --git a/x b/x\n--- a/x\n```", "diff --git a/x b/x\n--- a/x\n")]
    [InlineData("--- a/x\n+++ b/x", "--- a/x\n+++ b/x\n")]
    [InlineData("no diff here ```at all```", null)]
    public void Extracts_the_first_fenced_block_that_holds_a_diff(string reply, string? expected) =>
        Assert.Equal(expected, ChatModelImprover.ExtractDiff(reply));

    private static string Last(JsonElement request)
    {
        var messages = request.GetProperty("messages");
        return messages[messages.GetArrayLength() - 1].GetProperty("content").GetString()!;
    }
}
