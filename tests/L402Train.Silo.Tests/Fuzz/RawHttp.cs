using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace L402Train.Silo.Tests.Fuzz;

/// <summary>
/// Sends a request over a bare socket, for what HttpClient refuses to send: a Content-Length that
/// disagrees with the body, is negative, not a number, or given twice.
/// </summary>
internal static class RawHttp
{
    /// <summary>The status of the first response, or null when the server closed the connection without one.</summary>
    public static async Task<int?> SendAsync(int port, FuzzRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        await socket.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{request.Method} {request.PathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        foreach (var (name, value) in request.Headers) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        if (request.ContentType is { } type) head.Append(CultureInfo.InvariantCulture, $"Content-Type: {type}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {request.OddContentLength}\r\n\r\n");
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(head.ToString()), SocketFlags.None, deadline.Token);
            if (request.Body is { Length: > 0 } body) await socket.SendAsync(body, SocketFlags.None, deadline.Token);
            // Half-close: a server waiting for more body than was sent sees the end instead of waiting out its timeout.
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server may answer and close before it has read everything (413, 400): read what it said.
        }
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (received.Length < 64 && await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) is var n and > 0) received.Write(buffer, 0, n);
        }
        catch (SocketException)
        {
            // Reset after the response (or instead of one): what arrived is what counts.
        }
        var text = Encoding.ASCII.GetString(received.ToArray());
        return text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Length >= 12
            && int.TryParse(text.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : null;
    }
}
