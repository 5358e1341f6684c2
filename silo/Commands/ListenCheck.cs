using System.Net;
using System.Net.Sockets;

namespace L402Train.Silo.Commands;

/// <summary>
/// Finds a busy <c>--urls</c> port before anything starts. Kestrel binds last, after the silo has
/// joined its cluster and its job workers have begun; a bind failure then stops all of that at once,
/// and what it logs while stopping would bury the one line that names the fix. Kestrel's own bind
/// error still stands behind this check (a port taken between the two is reported the same way).
/// </summary>
internal static class ListenCheck
{
    /// <summary>Throws the same failure Kestrel would (which <see cref="StartupFailure"/> turns into one line) when a URL's port is taken.</summary>
    public static void ThrowIfBusy(IEnumerable<string> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        foreach (var url in urls)
        {
            if (EndpointOf(url) is not { } endpoint) continue;
            using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            // As Kestrel does: a port whose old connections linger in TIME_WAIT is free to listen on.
            probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            try
            {
                probe.Bind(endpoint);
                probe.Listen();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new IOException($"Failed to bind to address {url.TrimEnd('/')}: address already in use.", ex);
            }
            catch (SocketException)
            {
                // Not ours to judge (no such address, no permission): Kestrel reports it with its own words.
            }
        }
    }

    /// <summary>The endpoint a URL listens on; null for port 0 (any free port) or a host name other than localhost.</summary>
    internal static IPEndPoint? EndpointOf(string url)
    {
        // Kestrel accepts * and + as "every address", which Uri does not parse as a host.
        var normalized = url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Port <= 0) return null;
        var address = uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed : null;
        return address is null ? null : new IPEndPoint(address, uri.Port);
    }
}
