using System.Security.Cryptography;
using System.Text;

namespace L402Train.PeerAgent.Bounties;

/// <summary>
/// Commit-before-reveal: <c>sha256(diff_utf8 ‖ nonce_utf8)</c> registered first, the diff and the
/// nonce revealed with the submission, so whoever copies a revealed diff has the later commitment.
/// </summary>
/// <param name="Nonce">The secret that hides the diff until the reveal.</param>
/// <param name="Hash">The commitment, lowercase hex.</param>
public sealed record Commitment(string Nonce, string Hash)
{
    /// <summary>A commitment to <paramref name="diff"/> with a fresh random nonce (or the one given).</summary>
    public static Commitment To(string diff, string? nonce = null)
    {
        nonce ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return new Commitment(nonce, Of(diff, nonce));
    }

    /// <summary>sha256(diff ‖ nonce) as lowercase hex.</summary>
    public static string Of(string diff, string nonce)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(nonce);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(diff + nonce)));
    }

    /// <summary>sha256 of the diff alone (the submission's fingerprint in the provenance log).</summary>
    public static string DiffSha256(string diff) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(diff)));
}
