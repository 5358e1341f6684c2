using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;

namespace L402Train.Silo.Tests.Deploy;

/// <summary>The Dockerfile without Docker: what it starts is the silo and a command line the silo accepts.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = DeployFiles.Read("Dockerfile");

    // The instructions of the final stage, continuation lines joined.
    private static List<(string Instruction, string Arguments)> FinalStage()
    {
        var joined = Dockerfile.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var last = joined.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        return [.. joined.Skip(last).Select(l => l.Split(' ', 2)).Select(p => (p[0], p.Length > 1 ? p[1].Trim() : ""))];
    }

    private static string[] JsonForm(string arguments) => [.. JsonNode.Parse(arguments)!.AsArray().Select(a => (string)a!)];

    private static string Only(string instruction) => FinalStage().Single(i => i.Instruction == instruction).Arguments;

    [Fact]
    public void The_runtime_is_debian_bookworm_with_bubblewrap_and_libsecp256k1_as_a_non_root_user()
    {
        Assert.Equal("debian:bookworm-slim AS runtime", Only("FROM"));
        var install = FinalStage().First(i => i.Instruction == "RUN" && i.Arguments.Contains("apt-get install", StringComparison.Ordinal)).Arguments;
        foreach (var package in new[] { "bubblewrap", "libsecp256k1-1", "util-linux", "bible-kjv" })
            Assert.Matches($@"\s{Regex.Escape(package)}\s", install);
        Assert.Matches(@"^[1-9][0-9]*:[1-9][0-9]*$", Only("USER"));
    }

    [Fact]
    public void The_entrypoint_is_the_silo_and_its_default_command_one_the_silo_accepts()
    {
        var entrypoint = JsonForm(Only("ENTRYPOINT"));
        var command = JsonForm(Only("CMD"));

        Assert.Equal(["dotnet", $"/app/silo/{typeof(SiloCommandLine).Assembly.GetName().Name}.dll"], entrypoint);
        Assert.Empty(SiloCommandLineFacts.Errors(command));
        // What is published is what the entrypoint starts.
        Assert.Contains("silo/L402Train.Silo.csproj -c Release --no-restore --no-self-contained -p:UseAppHost=false -o /out/silo", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY --from=build /out/silo /app/silo", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_names_known_settings_that_put_data_in_the_volume_and_listen_on_all_addresses()
    {
        var env = EnvPair().Matches(Only("ENV")).ToDictionary(m => m.Groups[1].Value, m => (string?)m.Groups[2].Value);
        var silo = env.Where(e => e.Key.StartsWith(SiloSettings.EnvironmentPrefix, StringComparison.Ordinal)).ToDictionary();

        Assert.All(silo.Keys, k => Assert.Contains(k, SiloCommandLineFacts.EnvironmentVariables()));
        var settings = SiloSettings.Load(new Dictionary<string, string?>(), silo, Path.GetTempPath());
        Assert.Equal("/data", settings.DataDir);
        Assert.Equal(["http://0.0.0.0:8402"], settings.Urls);
        Assert.Contains("VOLUME [\"/data\"]", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_health_check_asks_the_liveness_endpoint_on_the_port_the_silo_listens_on()
    {
        var check = Only("HEALTHCHECK");

        Assert.Contains("\"http://127.0.0.1:8402/alive\"", check, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 8402", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_peer_agent_wrapper_starts_the_peer_agent_assembly()
    {
        var wrapper = DeployFiles.Read("deploy", "docker", "peer-agent");

        Assert.Contains($"exec dotnet /app/peer-agent/{typeof(L402Train.PeerAgent.Commands.PeerAgentCommandLine).Assembly.GetName().Name}.dll \"$@\"", wrapper, StringComparison.Ordinal);
        Assert.Contains("COPY deploy/docker/peer-agent /usr/local/bin/peer-agent", Dockerfile, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"([A-Z_][A-Z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();
}
