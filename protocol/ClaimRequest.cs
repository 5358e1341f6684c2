using System.Text.Json.Serialization;

namespace L402Train.Protocol;

/// <summary>
/// A body holding a BOLT11 invoice: a reward claim (both tracks) or the sponsor's refund invoice on cancel.
/// The coordinator also accepts the bare invoice string.
/// </summary>
/// <param name="Invoice">The invoice, for exactly the amount owed.</param>
public sealed record ClaimRequest([property: JsonPropertyName("invoice")] string? Invoice);

/// <summary>What a reward claim answers (202).</summary>
/// <param name="SubmissionId">The submission.</param>
/// <param name="PaymentHash">The claim invoice's hash.</param>
/// <param name="AmountSats">The amount being paid.</param>
/// <param name="Status"><c>paying</c> or <c>paid</c>.</param>
public sealed record ClaimAccepted(
    [property: JsonPropertyName("submission_id")] string SubmissionId,
    [property: JsonPropertyName("payment_hash")] string PaymentHash,
    [property: JsonPropertyName("amount_sats")] long AmountSats,
    [property: JsonPropertyName("status")] string Status);
