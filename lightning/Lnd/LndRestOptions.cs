using System.Security.Cryptography.X509Certificates;

namespace L402Train.Lightning.Lnd;

/// <summary>Where an LND node's REST API is and how to authenticate to it.</summary>
/// <param name="BaseUri">e.g. https://localhost:8080/ (the simnet facade: http://host/simnet/alice/).</param>
/// <param name="MacaroonHex">The macaroon file's bytes as hex (sent as <c>Grpc-Metadata-macaroon</c>).</param>
/// <param name="TlsCertificatePath">LND's tls.cert (PEM or DER); when set, the server's certificate must equal it.</param>
public sealed record LndRestOptions(Uri BaseUri, string MacaroonHex, string? TlsCertificatePath = null)
{
    /// <summary>Attempts for idempotent calls (reads, settle, cancel) on transient failures.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Wait before the second attempt; doubles each time.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Reads a macaroon file into hex.</summary>
    public static string ReadMacaroonHex(string path) => Convert.ToHexStringLower(File.ReadAllBytes(path));

    /// <summary>
    /// An HttpClient for these options: base address set, and with a certificate path, TLS that
    /// accepts exactly that certificate (LND's is self-signed, so chain validation cannot apply).
    /// </summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (TlsCertificatePath is { } path)
        {
            var pinned = LoadCertificate(path);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinned.RawData);
        }
        var baseUri = BaseUri.AbsoluteUri.EndsWith('/') ? BaseUri : new Uri(BaseUri.AbsoluteUri + "/");
        return new HttpClient(handler) { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
    }

    private static X509Certificate2 LoadCertificate(string path)
    {
        var text = File.ReadAllText(path);
        return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificateFromFile(path);
    }
}
