using System.Text.Json.Serialization;

namespace L402Train.Protocol.Bounties;

/// <summary>What <c>POST /bounties</c> answers (201): the id, the invoice that funds the pool and the sponsor's macaroon.</summary>
/// <param name="Id">The bounty's id.</param>
/// <param name="Status"><c>awaiting_funding</c> until the funding invoice is paid.</param>
/// <param name="FundingInvoice">BOLT11 invoice for the pool.</param>
/// <param name="FundingPaymentHash">Its payment hash, hex.</param>
/// <param name="SponsorMacaroon">The sponsor's credential (<c>Authorization: Bearer …</c>) for the sponsor routes.</param>
/// <param name="HeldOutHash">SHA-256 of the held-out tarball, as published.</param>
public sealed record BountyCreated(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("funding_invoice")] string FundingInvoice,
    [property: JsonPropertyName("funding_payment_hash")] string FundingPaymentHash,
    [property: JsonPropertyName("sponsor_macaroon")] string SponsorMacaroon,
    [property: JsonPropertyName("held_out_hash")] string HeldOutHash)
{
    /// <summary>What the sponsor should know about the terms (eval files listed as targets); empty when nothing.</summary>
    [JsonPropertyName("warnings")]
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>What <c>POST /bounty/{id}/cancel</c> answers (202).</summary>
/// <param name="BountyId">The bounty.</param>
/// <param name="Status"><c>closed</c>.</param>
/// <param name="RefundSats">What is refunded to the sponsor's invoice.</param>
/// <param name="PaymentHash">The refund invoice's hash; null when nothing was left.</param>
public sealed record BountyCancelled(
    [property: JsonPropertyName("bounty_id")] string BountyId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("refund_sats")] long RefundSats,
    [property: JsonPropertyName("payment_hash")] string? PaymentHash);
