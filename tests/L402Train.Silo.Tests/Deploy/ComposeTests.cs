using System.Text.Json.Nodes;
using L402Train.PeerAgent.Commands;

namespace L402Train.Silo.Tests.Deploy;

/// <summary>
/// compose.regtest.yml without Docker: its services, volumes, ports and environment are consistent, and
/// every silo and peer-agent command line in it is one those programs accept.
/// </summary>
public sealed class ComposeTests
{
    private static JsonObject Compose() => (JsonObject)YamlJson.Load(DeployFiles.Read("compose.regtest.yml"));

    private static JsonObject Services() => Compose()["services"]!.AsObject();

    private static IEnumerable<string> Strings(JsonNode? node) => node?.AsArray().Select(n => n!.ToString()) ?? [];

    [Fact]
    public void Every_dependency_is_a_service_and_every_service_has_an_image_or_a_build()
    {
        var services = Services();
        foreach (var (name, service) in services)
        {
            Assert.True(service!["image"] is not null || service["build"] is not null, $"{name} has neither image nor build");
            var dependsOn = service["depends_on"] switch
            {
                JsonArray list => list.Select(d => d!.ToString()),
                JsonObject map => map.Select(d => d.Key),
                _ => [],
            };
            foreach (var dependency in dependsOn)
                Assert.True(services.ContainsKey(dependency), $"{name} depends on '{dependency}', which is no service");
        }
    }

    [Fact]
    public void Every_named_volume_is_declared_and_every_declared_one_used()
    {
        var declared = Compose()["volumes"]!.AsObject().Select(v => v.Key).ToHashSet();
        var used = Services()
            .SelectMany(s => Strings(s.Value!["volumes"]))
            .Select(v => v.Split(':')[0])
            .Where(source => !source.StartsWith('/') && !source.StartsWith('.') && !source.StartsWith('~'))
            .ToHashSet();

        Assert.Equal(declared.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_two_services_publish_the_same_host_port()
    {
        var published = Services()
            .SelectMany(s => Strings(s.Value!["ports"]).Select(p => (Service: s.Key, HostPort: p.Split(':')[^2])))
            .ToList();

        Assert.NotEmpty(published);
        var clashes = published.GroupBy(p => p.HostPort).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => p.Service))}");
        Assert.Empty(clashes);
    }

    [Fact]
    public void The_silos_are_two_members_of_one_postgres_cluster_on_lnd_over_rest_with_known_settings()
    {
        var services = Services();
        var silos = services.Where(s => s.Value!["image"]?.ToString() == "l402train:regtest" && Strings(s.Value["command"]).FirstOrDefault() == "serve").ToList();
        var known = SiloCommandLineFacts.EnvironmentVariables();

        Assert.Equal(["silo-a", "silo-b"], silos.Select(s => s.Key).Order(StringComparer.Ordinal));
        foreach (var (name, silo) in silos)
        {
            var env = silo!["environment"]!.AsObject();
            Assert.All(env.Select(e => e.Key), k => Assert.Contains(k, known));
            Assert.StartsWith("postgres:Host=postgres;", env["L402TRAIN_STORE"]!.ToString(), StringComparison.Ordinal);
            Assert.StartsWith("lnd:https://lnd-coordinator:8080", env["L402TRAIN_LIGHTNING"]!.ToString(), StringComparison.Ordinal);
            Assert.Contains("silo-data:/data", Strings(silo["volumes"]));
            Assert.Empty(SiloCommandLineFacts.Errors([.. Strings(silo["command"])]));
            Assert.Equal("service_completed_successfully", silo["depends_on"]!["migrate"]!["condition"]!.ToString());
            Assert.True(services.ContainsKey("lnd-coordinator"), name);
        }
        Assert.Equal(["migrate"], Strings(services["migrate"]!["command"]));
        Assert.Empty(SiloCommandLineFacts.Errors("migrate"));
    }

    [Fact]
    public void Every_peer_agent_command_line_is_one_peer_agent_accepts()
    {
        var lines = new List<string[]>();
        foreach (var (name, service) in Services())
        {
            var entrypoint = Strings(service!["entrypoint"]).ToArray();
            var command = Strings(service["command"]).Select(a => a.Replace("${BOUNTY_ID:-set-BOUNTY_ID}", "b1", StringComparison.Ordinal)).ToArray();
            if (entrypoint is ["peer-agent"]) lines.Add(command);
            else if (entrypoint is ["sh", "-c"])
                lines.AddRange(command.Single().Split("&&").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(l => l[0] == "peer-agent").Select(l => l[1..]));
            else if (name is "peer" or "sponsor" or "agent") Assert.Fail($"{name}: unexpected entrypoint");
        }

        Assert.Equal(4, lines.Count);
        foreach (var args in lines)
            Assert.True(new PeerAgentCommandLine().Root.Parse(args).Errors.Count == 0,
                $"peer-agent {string.Join(' ', args)}: {string.Join("; ", new PeerAgentCommandLine().Root.Parse(args).Errors.Select(e => e.Message))}");
    }
}
