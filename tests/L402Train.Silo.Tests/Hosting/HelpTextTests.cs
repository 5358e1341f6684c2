using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>What <c>--help</c> promises is what the silo does.</summary>
public sealed class HelpTextTests
{
    [Fact]
    public async Task Roles_help_names_the_default_the_settings_apply()
    {
        using var output = new StringWriter();

        await new SiloCommandLine(new Dictionary<string, string?>(), Path.GetTempPath()).InvokeAsync(["serve", "--help"], output, output);

        // Help wraps long descriptions: read it as one line.
        var help = System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\s+", " ");
        var roles = help[help.IndexOf("--roles <", StringComparison.Ordinal)..];
        Assert.StartsWith("--roles <roles> Comma-separated roles: gateway, validator, settler, aggregator, worker (default gateway,validator,settler)", roles, StringComparison.Ordinal);
        var applied = SiloSettings.Load(new Dictionary<string, string?>(), new Dictionary<string, string?>(), Path.GetTempPath()).Roles;
        Assert.Equal(["gateway", "settler", "validator"], applied.Order(StringComparer.Ordinal));
    }
}
