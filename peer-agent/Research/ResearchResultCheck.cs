using System.Security.Cryptography;
using L402Train.Lightning.Bolt11;

namespace L402Train.PeerAgent.Research;

/// <summary>
/// <c>peer-agent research verify</c>: checks a <c>results.jsonl</c> line offline. The preimage must
/// hash to the payment hash (the worker settled: the run was delivered and paid), the invoice must be
/// a validly signed BOLT11 for that hash asking exactly the probed price, and, when the line names the
/// worker's node key, the invoice must be signed by that node (the worker the registration names was
/// the one paid).
/// </summary>
public static class ResearchResultCheck
{
    /// <summary>What is wrong with <paramref name="result"/>; empty when it verifies.</summary>
    public static IReadOnlyList<string> Problems(ResearchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var problems = new List<string>();
        byte[]? hash = null;
        try
        {
            hash = Convert.FromHexString(result.PaymentHash);
            if (hash.Length != 32) { problems.Add($"payment_hash is {hash.Length} bytes, not 32"); hash = null; }
        }
        catch (FormatException)
        {
            problems.Add("payment_hash is not hex");
        }
        try
        {
            var preimage = Convert.FromHexString(result.Preimage);
            if (preimage.Length != 32) problems.Add($"preimage is {preimage.Length} bytes, not 32");
            else if (hash is not null && !SHA256.HashData(preimage).AsSpan().SequenceEqual(hash)) problems.Add("sha256(preimage) is not payment_hash");
        }
        catch (FormatException)
        {
            problems.Add("preimage is not hex");
        }
        if (!Bolt11Invoice.TryDecode(result.Invoice, out var invoice, out var error))
        {
            problems.Add($"invoice is not a valid BOLT11 payment request: {error}");
            return problems;
        }
        if (hash is not null && !invoice!.PaymentHash.Bytes.SequenceEqual(hash)) problems.Add("the invoice's payment hash is not payment_hash");
        var amount = invoice!.Amount?.ToSatsFloor().Value;
        if (amount != result.PriceSats) problems.Add($"the invoice asks {amount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no amount"} sat, the probed price was {result.PriceSats} sat");
        if (result.WorkerNode is { Length: > 0 } node && !string.Equals(invoice.Payee.ToHex(), node, StringComparison.OrdinalIgnoreCase))
            problems.Add("the invoice is not signed by the worker's node key");
        return problems;
    }
}
