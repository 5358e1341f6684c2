using System.Security.Cryptography;
using System.Text;
using L402Train.Bounties.Commitments;
using Xunit;

namespace L402Train.Bounties.Tests.Commitments;

public sealed class DiffCommitmentTests
{
    private const string Diff = "--- a/classifier.conf\n+++ b/classifier.conf\n@@ -1 +1 @@\n-threshold = 0.5\n+threshold = 0.8\n";

    [Fact]
    public void The_commitment_is_sha256_of_the_diff_bytes_then_the_nonce_bytes()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(Diff), .. Encoding.UTF8.GetBytes("n0nce")]));

        Assert.Equal(expected, DiffCommitment.Of(Diff, "n0nce"));
        Assert.NotEqual(expected, DiffCommitment.Of(Diff, "other"));
    }

    [Fact]
    public void Re_encoding_a_copied_diff_does_not_change_its_identity_but_an_edit_does()
    {
        var hash = DiffCommitment.DiffHash(Diff);

        Assert.Equal(hash, DiffCommitment.DiffHash(Diff.Replace("\n", "\r\n", StringComparison.Ordinal)));
        Assert.Equal(hash, DiffCommitment.DiffHash(Diff.Replace("0.8\n", "0.8   \n", StringComparison.Ordinal) + "\n"));
        Assert.NotEqual(hash, DiffCommitment.DiffHash(Diff.Replace("0.8", "0.9", StringComparison.Ordinal)));
    }
}
