using L402Train.Gateway.Apis;
using L402Train.Grains.Payments;
using L402Train.L402.Gate;

namespace L402Train.Gateway.L402;

/// <summary>
/// The gateway's standard L402 fees as the fee sweep finds them on the node: the gate writes each
/// invoice's memo as <c>"&lt;InvoiceMemoPrefix&gt; &lt;capability&gt;"</c>, and these are the
/// capabilities priced in standard mode with the ledger group of their fee. A new standard-mode
/// capability must be added here, or its fees are not recorded and the ledger check reports them.
/// </summary>
internal static class GatewayFees
{
    private static readonly Dictionary<string, InvoicePurpose> Purposes = new(StringComparer.Ordinal)
    {
        [TrainingApi.CheckpointCapability] = InvoicePurpose.CheckpointFee,
        [BountyApi.ReadCapability] = InvoicePurpose.BountyAccess,
        [InferenceApi.Capability] = InvoicePurpose.Inference,
    };

    /// <summary>The fee invoices of a gate with <paramref name="options"/>.</summary>
    public static StandardFeeInvoices For(L402GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StandardFeeInvoices(options.InvoiceMemoPrefix, Purposes);
    }

    /// <summary>The fee invoices of a gate with the default options (memo prefix <c>L402</c>).</summary>
    public static StandardFeeInvoices Default { get; } = For(new L402GateOptions());
}
