using System.Security.Cryptography;
using System.Text;

namespace L402Train.Bounties.Commitments;

/// <summary>
/// Commit before reveal: an agent registers <c>sha256(diff ‖ nonce)</c> (UTF-8 bytes of the diff
/// exactly as it will be sent, then of the nonce) before sending the diff, so whoever sees the
/// diff later cannot claim it first. Identical diffs are recognised by <see cref="DiffHash"/>.
/// </summary>
public static class DiffCommitment
{
    /// <summary>The commitment an agent registers for <paramref name="diff"/> and <paramref name="nonce"/> (lowercase hex).</summary>
    public static string Of(string diff, string nonce)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(nonce);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(diff + nonce)));
    }

    /// <summary>
    /// The identity of a diff for copy detection: SHA-256 of its text with line endings made
    /// LF and trailing blanks at line ends removed, so re-encoding a copied diff does not hide it.
    /// </summary>
    public static string DiffHash(string diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var lines = diff.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd(' ', '\t', '\r'));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines).TrimEnd('\n'))));
    }

    /// <summary>True for 64 lowercase or uppercase hex characters.</summary>
    public static bool IsSha256Hex(string? text) => text is { Length: 64 } && text.All(Uri.IsHexDigit);
}
