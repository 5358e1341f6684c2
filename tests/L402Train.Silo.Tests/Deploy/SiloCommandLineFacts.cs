using System.CommandLine.Parsing;
using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;

namespace L402Train.Silo.Tests.Deploy;

/// <summary>What the silo's command line accepts, for checking the artifacts that start it.</summary>
internal static class SiloCommandLineFacts
{
    // Settings with no command-line option (secrets stay off the command line; ids are rarely set).
    private static readonly string[] EnvironmentOnly = ["SILOID", "SERVICEID", "DASHBOARDPASSWORD"];

    /// <summary>
    /// The <c>L402TRAIN_*</c> variables the silo reads: one per option of <c>serve</c> (the setting's name
    /// without dashes, as <see cref="SiloSettingException"/> names it) and the environment-only ones.
    /// </summary>
    public static HashSet<string> EnvironmentVariables()
    {
        var serve = new SiloCommandLine(new Dictionary<string, string?>(), Path.GetTempPath()).Root.Subcommands.Single(c => c.Name == "serve");
        return
        [
            .. serve.Options.Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal))
                .Select(n => SiloSettings.EnvironmentPrefix + n[2..].Replace("-", "", StringComparison.Ordinal).ToUpperInvariant()),
            .. EnvironmentOnly.Select(n => SiloSettings.EnvironmentPrefix + n),
        ];
    }

    /// <summary>The parse errors of <paramref name="args"/> (empty when the silo accepts them).</summary>
    public static IReadOnlyList<ParseError> Errors(params string[] args) =>
        new SiloCommandLine(new Dictionary<string, string?>(), Path.GetTempPath()).Root.Parse(args).Errors;
}
