using L402Train.Testing;

namespace L402Train.Silo.Tests.Deploy;

/// <summary>The deployment artifacts at the repository root (Dockerfile, compose.regtest.yml, helm/l402train).</summary>
internal static class DeployFiles
{
    public static string Chart => RepositoryRoot.Combine("helm", "l402train");

    public static string Read(params string[] parts) => File.ReadAllText(RepositoryRoot.Combine(parts));

    public static string ReadChart(params string[] parts) => File.ReadAllText(Path.Combine([Chart, .. parts]));

    /// <summary>The chart's templates that are manifests (every *.yaml, and the .tpl files that define one).</summary>
    public static IEnumerable<string> ManifestTemplates() =>
        Directory.GetFiles(Path.Combine(Chart, "templates"))
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || (f.EndsWith(".tpl", StringComparison.Ordinal) && File.ReadAllText(f).Contains("\napiVersion:", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);

    /// <summary>Every file of the chart a template expression can be in (templates, helpers, NOTES.txt).</summary>
    public static IEnumerable<string> AllTemplateFiles() => Directory.GetFiles(Path.Combine(Chart, "templates")).Order(StringComparer.Ordinal);
}
