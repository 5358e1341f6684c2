using System.Text.Json.Nodes;
using L402Train.PeerAgent.Commands;

namespace L402Train.Silo.Tests.Research;

/// <summary><c>peer-agent research …</c> end to end: a wallet reached over the LND facade, the index, two workers.</summary>
public sealed class ResearchCliTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new PeerAgentCommandLine().InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Discover_loop_leaderboard_and_verify_run_from_the_command_line_and_the_loop_prints_its_figures()
    {
        await using var net = await WorkerNetwork.StartAsync("research-cli");
        var coordinator = net.Coordinator.Url + "/";
        string[] wallet = ["--lnd", $"{net.Coordinator.Url}/simnet/researcher/", "--macaroon", net.Wallet.MacaroonHex];

        var discovered = await RunAsync("research", "discover", "--coordinator", coordinator);
        Assert.Equal(0, discovered.Code);
        Assert.Contains("worker-a", discovered.Out, StringComparison.Ordinal);
        Assert.Contains("worker-b", discovered.Out, StringComparison.Ordinal);

        var loop = await RunAsync(["research", "loop", "--rounds", "2", "--coordinator", coordinator, "--results", net.ResultsPath, "--state", net.StatePath, .. wallet]);
        Assert.True(loop.Code == 0, loop.Err);
        Assert.Contains("round 1: THINK baseline", loop.Err, StringComparison.Ordinal);
        Assert.Contains("round 2: PUBLISH", loop.Err, StringComparison.Ordinal);
        var figures = loop.Out.Split('\n').Select(l => l.Trim()).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.Contains(' ', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.Equal("2", figures["experiments"]);
        Assert.Equal((2 * WorkerNetwork.PriceB).ToString(System.Globalization.CultureInfo.InvariantCulture), figures["paid_sat"]);
        foreach (var name in new[] { "discovery_ms", "probe_ms", "payment_ms", "settle_ms", "overhead_ms", "run_ms", "overhead_fraction", "experiments_per_minute", "best_val_bpb" })
            Assert.True(figures.ContainsKey(name), $"{name} missing from:\n{loop.Out}");

        var board = await RunAsync("research", "leaderboard", "--coordinator", coordinator, "--results", net.ResultsPath);
        Assert.Equal(0, board.Code);
        Assert.Contains("overall best", board.Out, StringComparison.Ordinal);

        var verified = await RunAsync("research", "verify", net.ResultsPath);
        Assert.Equal((0, "2 of 2 lines verify"), (verified.Code, verified.Out.Trim()));

        // One sat changed in the second line's price: verify names it and fails.
        var lines = await File.ReadAllLinesAsync(net.ResultsPath, TestContext.Current.CancellationToken);
        var tampered = JsonNode.Parse(lines[1])!.AsObject();
        tampered["price_sats"] = WorkerNetwork.PriceB - 1;
        lines[1] = tampered.ToJsonString();
        await File.WriteAllLinesAsync(net.ResultsPath, lines, TestContext.Current.CancellationToken);
        var caught = await RunAsync("research", "verify", net.ResultsPath);
        Assert.Equal(1, caught.Code);
        Assert.Contains("line 2", caught.Err, StringComparison.Ordinal);
        Assert.Contains($"the invoice asks {WorkerNetwork.PriceB} sat, the probed price was {WorkerNetwork.PriceB - 1} sat", caught.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rounds", "0", "--rounds must be between 1 and 100000")]
    [InlineData("--config", "{\"learnin_rate\": 0.1}", "'learnin_rate' is not a trainer setting")]
    [InlineData("--config", "[1]", "--config must be a JSON object")]
    [InlineData("--prefer", "ftp://x", "--prefer must be a worker's experiment URL")]
    [InlineData("--command", "sh run.sh", "--command needs an archive")]
    public async Task Bad_loop_arguments_are_refused_naming_the_option_before_anything_is_paid(string option, string value, string message)
    {
        var (code, _, err) = await RunAsync("research", "loop", option, value, "--lnd", "http://127.0.0.1:9/", "--macaroon", "00");
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_of_a_line_that_is_not_a_result_names_the_line()
    {
        var file = Path.Combine(Path.GetTempPath(), $"l402-verify-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(file, "{\"experiment_id\": 3}\n", TestContext.Current.CancellationToken);
        try
        {
            var (code, _, err) = await RunAsync("research", "verify", file);
            Assert.Equal(2, code);
            Assert.Contains(":1 is not a research result", err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
