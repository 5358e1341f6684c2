using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using L402Train.Lightning.Facade;
using L402Train.Lightning.Lnd;
using L402Train.Lightning.Simnet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace L402Train.Lightning.Tests.Lnd;

public sealed class TlsPinningTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tls-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    [Fact]
    public async Task Client_trusts_exactly_the_pinned_certificate()
    {
        using var serverCert = SelfSigned("lnd");
        using var otherCert = SelfSigned("impostor");
        var pinned = Path.Combine(directory, "tls.cert");
        var other = Path.Combine(directory, "other.cert");
        await File.WriteAllTextAsync(pinned, serverCert.ExportCertificatePem());
        await File.WriteAllBytesAsync(other, otherCert.RawData);

        using var network = new SimnetNetwork();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(serverCert)));
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapSimnetFacade(network);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUri = new Uri(address + "/simnet/coordinator/");

        using var good = new LndRestClient(new LndRestOptions(baseUri, network.Coordinator.MacaroonHex, pinned));
        Assert.Equal(network.Coordinator.Id, (await good.GetInfoAsync()).Id);

        using var bad = new LndRestClient(new LndRestOptions(baseUri, network.Coordinator.MacaroonHex, other) { RetryDelay = TimeSpan.FromMilliseconds(1) });
        await Assert.ThrowsAsync<HttpRequestException>(() => bad.GetInfoAsync());
        await app.StopAsync();
    }
}
