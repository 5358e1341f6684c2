using System.Net;
using System.Net.Sockets;
using L402Train.Silo.Commands;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>A busy <c>--urls</c> port is found before the silo starts, and reads as the same one line as Kestrel's failure.</summary>
public sealed class ListenCheckTests
{
    [Fact]
    public void A_taken_port_fails_before_anything_starts_with_the_line_that_names_it()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)busy.LocalEndpoint).Port}";

        var failure = Assert.Throws<IOException>(() => ListenCheck.ThrowIfBusy([url]));

        Assert.Equal($"--urls: {url} is already in use by another process; stop it or listen elsewhere, e.g. --urls http://127.0.0.1:8403", StartupFailure.Describe(failure));
    }

    [Fact]
    public void A_free_port_any_port_and_a_host_name_pass()
    {
        int free;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            free = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        ListenCheck.ThrowIfBusy([$"http://127.0.0.1:{free}", "http://127.0.0.1:0", "http://example.invalid:8402"]);
    }

    [Theory]
    [InlineData("http://*:8402", "0.0.0.0:8402")]
    [InlineData("http://+:8402", "0.0.0.0:8402")]
    [InlineData("http://localhost:8402", "127.0.0.1:8402")]
    [InlineData("http://[::1]:8402", "[::1]:8402")]
    [InlineData("http://127.0.0.1:0", null)]
    [InlineData("http://coordinator.example:8402", null)]
    public void Kestrel_url_forms_map_to_the_endpoint_they_listen_on(string url, string? endpoint) =>
        Assert.Equal(endpoint, ListenCheck.EndpointOf(url)?.ToString());
}
