using L402Train.Grains.Payments;
using L402Train.L402.Gate;
using L402Train.Lightning;
using Microsoft.AspNetCore.Http;

namespace L402Train.Gateway.L402;

/// <summary>
/// The gateway's side of the fee recorder: a paid standard token proves its invoice settled, so every
/// priced route (checkpoint, bounty access, inference) hands it to <see cref="FeeRecorder"/>, which
/// records the fee in the ledger once, by payment hash.
/// </summary>
internal static class PaidFees
{
    /// <summary>Records the fee of the request's paid standard L402 token under <paramref name="purpose"/>; nothing for a request without one.</summary>
    public static async Task RecordAsync(HttpContext http, IGrainFactory grains, ILightningNode node, InvoicePurpose purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.GetL402Token() is not { Preimage: not null } token) return;
        await FeeRecorder.RecordIfSettledAsync(grains, node, token.PaymentHash, purpose, cancellationToken);
    }
}
