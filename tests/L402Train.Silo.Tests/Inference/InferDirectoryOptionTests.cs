using L402Train.PeerAgent.Commands;

namespace L402Train.Silo.Tests.Inference;

/// <summary>
/// <c>infer</c> and <c>infer serve</c> take <c>--directory</c> as the client promises: a directory's payable
/// inference services join the pinned providers (found and probed as <c>discover</c> does, without paying), and a
/// directory that lists none, with no provider pinned, is a clear error rather than a run with nothing to ask.
/// </summary>
public sealed class InferDirectoryOptionTests() : AgentOnSilo("infer-directory")
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_directory_adds_the_payable_inference_services_it_lists(bool serve)
    {
        var (code, _, error) = await RunAsync(serve
            ? ["infer", "serve", "--port", "0", "--directory", silo!.Url]
            : ["infer", "In the beginning", "--directory", silo!.Url]);

        // The coordinator's own directory lists its chat completions; probing it found one payable provider, and the
        // command then went on to open the wallet (which this run does not give, so it stops there, having paid nothing).
        Assert.Equal(2, code);
        Assert.Contains("directories listed 1 payable inference provider(s)", error, StringComparison.Ordinal);
        Assert.Contains("--lnd (an http(s) URL) and --macaroon are required", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_that_lists_no_payable_provider_and_no_pinned_provider_is_an_error_naming_both()
    {
        var dead = DeadUrl();

        var (code, _, error) = await RunAsync(["infer", "In the beginning", "--directory", dead]);

        Assert.Equal(2, code);
        Assert.Contains($"directory {dead}", error, StringComparison.Ordinal);
        Assert.Contains("no inference provider: the directories listed none that answered a payable 402, and no --provider was given", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Neither_a_provider_nor_a_directory_names_both_options()
    {
        var (code, _, error) = await RunAsync(["infer", "In the beginning"]);

        Assert.Equal(2, code);
        Assert.Contains("--provider or --directory is required", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await new PeerAgentCommandLine().InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
