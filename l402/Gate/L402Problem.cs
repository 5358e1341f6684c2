using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace L402Train.L402.Gate;

/// <summary>
/// The gate's answers as <c>application/problem+json</c>: a 402 carries the challenge in the
/// <c>WWW-Authenticate</c> header and the body (<c>macaroon</c>, <c>invoice</c>,
/// <c>payment_hash</c>, <c>amount_sats</c>, <c>mode</c>, <c>expires_at</c>, <c>detail</c>) with
/// <c>Cache-Control: no-store</c>; 400, 409 and 503 carry <c>title</c> and <c>detail</c>.
/// </summary>
internal sealed class L402Problem(int status, string title, string detail, L402IssuedChallenge? challenge = null) : IResult
{
    public int Status { get; } = status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/problem+json";
        if (challenge is not null) response.Headers.WWWAuthenticate = challenge.Challenge.Format();

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("title", title);
            json.WriteNumber("status", Status);
            json.WriteString("detail", detail);
            if (challenge is not null)
            {
                json.WriteString("macaroon", challenge.Challenge.Macaroon);
                json.WriteString("invoice", challenge.Challenge.Invoice);
                json.WriteString("payment_hash", challenge.PaymentHash.ToHex());
                json.WriteNumber("amount_sats", challenge.Amount.Value);
                json.WriteString("mode", challenge.Mode == L402Mode.Hold ? "hold" : "standard");
                json.WriteString("expires_at", challenge.ExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            }
            json.WriteEndObject();
        }
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), httpContext.RequestAborted);
    }
}
