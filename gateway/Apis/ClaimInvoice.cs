using System.Text.Json;
using L402Train.Lightning;
using L402Train.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace L402Train.Gateway.Apis;

/// <summary>Reads and checks the BOLT11 invoice of a reward claim (JSON <c>{"invoice": "…"}</c> or the bare string).</summary>
internal static class ClaimInvoice
{
    /// <summary>The checked invoice, or a problem to answer with.</summary>
    public sealed record Result(string? Bolt11, PaymentRequestDetails? Details, ProblemHttpResult? Problem);

    /// <summary>Reads, decodes (signature checked) and checks amount and expiry.</summary>
    public static async Task<Result> ReadAsync(HttpRequest request, ILightningNode node, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(time);
        var body = await RequestBody.ReadAsync(request, 8192, cancellationToken);
        if (body.Problem is { } tooBig) return new(null, null, tooBig);
        var text = System.Text.Encoding.UTF8.GetString(body.Bytes!).Trim();
        string? bolt11 = text;
        if (text.StartsWith('{'))
        {
            try
            {
                bolt11 = JsonSerializer.Deserialize<ClaimRequest>(text, HttpJson.Options)?.Invoice;
            }
            catch (JsonException ex)
            {
                return Bad($"The body is not valid JSON: {ex.Message}");
            }
        }
        if (string.IsNullOrWhiteSpace(bolt11)) return Bad("Send a BOLT11 invoice: {\"invoice\": \"lnbc…\"}.");
        PaymentRequestDetails details;
        try
        {
            details = await node.DecodeAsync(bolt11.Trim(), cancellationToken);
        }
        catch (Exception ex) when (ex is FormatException or LightningException or ArgumentException)
        {
            return Bad($"The invoice does not decode: {ex.Message}");
        }
        if (details.Amount is not { } amount) return Bad("The invoice has no amount; it must be for exactly the reward.");
        if (!amount.IsWholeSats) return Bad("The invoice amount must be a whole number of satoshis.");
        if (details.ExpiresAt <= time.GetUtcNow()) return Bad("The invoice has expired.");
        return new(bolt11.Trim(), details, null);
    }

    private static Result Bad(string detail) =>
        new(null, null, TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest));
}
