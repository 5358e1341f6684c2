using L402Train.Lightning;
using System.Text;
using L402Train.Bounties.Commitments;
using L402Train.Runtime;

namespace L402Train.Grains.Bounties.Submissions;

/// <summary>What an agent sent with its deposit (the body of <c>POST /bounty/{id}/submit</c>).</summary>
/// <param name="BountyId">The bounty.</param>
/// <param name="Agent">The agent's chosen name.</param>
/// <param name="BaseVersion">The version the diff was made against.</param>
/// <param name="Diff">The unified diff.</param>
/// <param name="ClaimedScore">The score the agent claims.</param>
/// <param name="Nonce">Reveals a commitment when given.</param>
public sealed record SubmissionRequest(string BountyId, string Agent, int BaseVersion, string Diff, double? ClaimedScore, string? Nonce);

/// <summary>Files a submission's diff as a blob and computes the hashes the bounty ranks claims by.</summary>
public static class SubmissionIntake
{
    /// <summary>The arrival record for <paramref name="request"/> paid by the deposit <paramref name="paymentHash"/>.</summary>
    public static async Task<NewBountySubmission> PrepareAsync(
        IBlobStore blobs, SubmissionRequest request, PaymentHash paymentHash, string tokenIdHex, Sats depositSat, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(request);
        var bytes = Encoding.UTF8.GetBytes(request.Diff);
        ContentHash blob;
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            blob = await blobs.PutAsync(stream, cancellationToken);
        }
        var commitment = request.Nonce is null ? null : DiffCommitment.Of(request.Diff, request.Nonce);
        return new NewBountySubmission(request.BountyId, request.Agent, request.BaseVersion, blob.ToString(), DiffCommitment.DiffHash(request.Diff),
            bytes.Length, request.ClaimedScore, commitment, paymentHash, tokenIdHex, depositSat);
    }
}
