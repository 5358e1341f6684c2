using System.Reflection;
using L402Train.PeerAgent.Training;
using Xunit;

namespace L402Train.Training.Tests.Layering;

/// <summary>The peer-agent is a client: it loads neither Orleans, nor a database driver, nor the coordinator's grains or runtime.</summary>
public sealed class PeerAgentDependencyTests
{
    private static readonly string[] ForbiddenExact = ["Npgsql", "Microsoft.Data.Sqlite", "L402Train.Grains", "L402Train.Runtime"];

    [Fact]
    public void Peer_agent_references_no_orleans_database_driver_grains_or_runtime_even_transitively()
    {
        var edges = ReferenceEdges(typeof(CoordinatorClient).Assembly);

        var forbidden = edges
            .Where(e => e.To.StartsWith("Orleans", StringComparison.Ordinal) || ForbiddenExact.Contains(e.To) || IsDatabaseDriver(e.To))
            .Select(e => $"{e.From} -> {e.To}")
            .ToList();

        Assert.Empty(forbidden);
        Assert.Contains(edges, e => e.From == "peer-agent" && e.To == "L402Train.Bounties");
        Assert.Contains(edges, e => e.From == "peer-agent" && e.To == "L402Train.Protocol");
    }

    [Fact]
    public void The_protocol_references_nothing_but_the_framework()
    {
        var edges = ReferenceEdges(typeof(L402Train.Protocol.ProtocolJson).Assembly);

        Assert.Empty(edges.Where(e => !IsFramework(e.To)).Select(e => $"{e.From} -> {e.To}"));
    }

    /// <summary>Every (referrer, referenced) pair reachable from <paramref name="root"/>, through the framework's own assemblies excluded.</summary>
    private static List<(string From, string To)> ReferenceEdges(Assembly root)
    {
        var edges = new List<(string From, string To)>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.GetName().Name! };
        var pending = new Queue<Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            var from = assembly.GetName().Name!;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                var to = reference.Name!;
                edges.Add((from, to));
                if (IsFramework(to) || !seen.Add(to)) continue;
                pending.Enqueue(Assembly.Load(reference));
            }
        }
        return edges;
    }

    // Any ADO.NET provider or its native bundle, not only the two this repository uses today.
    private static bool IsDatabaseDriver(string name) =>
        name.StartsWith("Npgsql", StringComparison.Ordinal) || name.StartsWith("Microsoft.Data.", StringComparison.Ordinal)
        || name.StartsWith("SQLitePCLRaw", StringComparison.Ordinal) || name.StartsWith("System.Data.SQLite", StringComparison.Ordinal)
        || name.StartsWith("MySql", StringComparison.Ordinal) || name.StartsWith("Oracle.", StringComparison.Ordinal);

    private static bool IsFramework(string name) =>
        name is "mscorlib" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal);
}
