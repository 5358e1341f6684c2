using L402Train.Lightning.Backend;
using L402Train.Lightning.Simnet;
using Xunit;

namespace L402Train.Lightning.Tests.Backend;

public sealed class LightningBackendOptionsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("backend-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string File(string name)
    {
        var path = Path.Combine(directory, name);
        System.IO.File.WriteAllBytes(path, [2, 1, 3]);
        return path;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("simnet")]
    [InlineData(" SIMNET ")]
    public void Simnet_is_the_default(string? value)
    {
        var options = LightningBackendOptions.Parse(value);
        Assert.Equal(LightningBackendKind.Simnet, options.Kind);
    }

    [Fact]
    public void Lnd_needs_a_url_a_macaroon_and_a_pinned_certificate_for_https()
    {
        var macaroon = File("admin.macaroon");
        var cert = File("tls.cert");
        var options = LightningBackendOptions.Parse("lnd:https://127.0.0.1:8080", macaroon, cert);
        Assert.Equal(LightningBackendKind.Lnd, options.Kind);
        Assert.Equal(new Uri("https://127.0.0.1:8080"), options.LndRestUri);
        Assert.Equal(macaroon, options.LndMacaroonPath);
        Assert.Equal(cert, options.LndCertPath);
        Assert.Equal(LightningBackendKind.Lnd, LightningBackendOptions.Parse("lnd:http://silo:5000/simnet/alice", macaroon).Kind);
    }

    [Theory]
    [InlineData("bitcoind", null, null, "--lightning")]
    [InlineData("lnd:", "m", "c", "--lightning")]
    [InlineData("lnd:ftp://x", "m", "c", "--lightning")]
    [InlineData("lnd:https://x:8080", null, "c", "--lnd-macaroon")]
    [InlineData("lnd:https://x:8080", "missing", "c", "--lnd-macaroon")]
    [InlineData("lnd:https://x:8080", "m", null, "--lnd-cert")]
    [InlineData("lnd:https://x:8080", "m", "missing", "--lnd-cert")]
    [InlineData("simnet", "m", null, "--lnd-macaroon")]
    public void Bad_settings_are_refused_with_a_message_naming_the_setting(string value, string? macaroon, string? cert, string setting)
    {
        string? Resolve(string? name) => name switch { null => null, "missing" => Path.Combine(directory, "nope"), _ => File(name) };
        var error = Assert.Throws<ArgumentException>(() => LightningBackendOptions.Parse(value, Resolve(macaroon), Resolve(cert)));
        Assert.Contains(setting, error.Message);
    }

    [Fact]
    public async Task Simnet_backend_exposes_the_coordinator_node_and_its_network()
    {
        using var backend = LightningBackend.Create(LightningBackendOptions.Parse("simnet"));
        Assert.NotNull(backend.Network);
        var info = await backend.Node.GetInfoAsync();
        Assert.Equal(SimnetNetwork.CoordinatorName, info.Alias);
    }
}
