using System.Security.Cryptography;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Lightning;

namespace L402Train.Grains.Bounties.Catalog;

/// <summary>A posted bounty: its id, the funding invoice to pay, and the held-out commitment.</summary>
/// <param name="Id">The bounty id (<c>b-</c> and 16 hex).</param>
/// <param name="FundingInvoice">BOLT11 for exactly the pool.</param>
/// <param name="FundingPaymentHash">Its hash.</param>
/// <param name="HeldOutSha256">SHA-256 of the held-out archive bytes.</param>
public sealed record PostedBounty(string Id, string FundingInvoice, PaymentHash FundingPaymentHash, string HeldOutSha256);

/// <summary>
/// Posts a bounty whose terms and archives were already checked: stores both archives as blobs
/// (the held-out one is only ever read by validators and, after close, the reveal), issues the
/// funding invoice, tracks it, creates the bounty grain (which starts watching the invoice) and
/// lists it in the index.
/// </summary>
public sealed class BountyPublisher(IGrainFactory grains, IBlobStore blobs, ILightningNode node, BountyRules rules)
{
    /// <summary>Posts the bounty; the caller validated <paramref name="terms"/> and the archives.</summary>
    public Task<PostedBounty> PublishAsync(BountyTerms terms, byte[] baselineArchive, byte[] heldOutArchive, CancellationToken cancellationToken = default) =>
        PublishAsync(terms, baselineArchive, heldOutArchive, null, cancellationToken);

    /// <summary>Posts the bounty with a holdback slice (<paramref name="holdbackArchive"/>, a fresh held-out set for the holdback's re-evaluation; null: none).</summary>
    public async Task<PostedBounty> PublishAsync(BountyTerms terms, byte[] baselineArchive, byte[] heldOutArchive, byte[]? holdbackArchive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(baselineArchive);
        ArgumentNullException.ThrowIfNull(heldOutArchive);
        var id = "b-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var baseline = await PutAsync(baselineArchive, cancellationToken);
        var heldOut = await PutAsync(heldOutArchive, cancellationToken);
        var holdback = holdbackArchive is null ? null : await PutAsync(holdbackArchive, cancellationToken);
        var heldOutSha = Convert.ToHexStringLower(SHA256.HashData(heldOutArchive));
        var invoice = await node.CreateInvoiceAsync(
            new CreateInvoiceRequest(terms.TotalSat.ToMilliSats(), $"l402train bounty {id}: {Shorten(terms.Title)}", rules.FundingInvoiceExpiry),
            cancellationToken);
        var hash = invoice.Hash;
        await grains.GetGrain<IInvoiceGrain>(hash.ToHex()).TrackAsync(InvoiceDirection.Incoming, InvoicePurpose.BountyFunding, terms.TotalSat, MoneyState.Open, $"{BountyGrain.OwnerKind}/{id}");
        await grains.GetGrain<IBountyGrain>(id).CreateAsync(
            new NewBounty(terms, baseline, heldOut, heldOutSha, hash, invoice.PaymentRequest, invoice.ExpiresAt, rules.CoordinatorFeePct) { HoldbackBlob = holdback });
        await grains.GetGrain<IBountyIndexGrain>(BountyIndexGrain.AllKey).AddAsync(id);
        return new PostedBounty(id, invoice.PaymentRequest, hash, heldOutSha);
    }

    private async Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return (await blobs.PutAsync(stream, cancellationToken)).ToString();
    }

    private static string Shorten(string title) => title.Length <= 80 ? title : title[..80];
}
