using L402Train.Bounties.Shipped;

namespace L402Train.Bounties.Tests.Http;

/// <summary>Reads a bought bounty's tree.</summary>
internal static class BountyArchives
{
    /// <summary>The shipped bounty's tunable file in a base64 tar.gz.</summary>
    public static string ConfigOf(string base64Archive)
    {
        var dir = Directory.CreateTempSubdirectory("l402-bought");
        try
        {
            using var stream = new MemoryStream(Convert.FromBase64String(base64Archive));
            BountyArchive.Extract(stream, dir.FullName);
            return File.ReadAllText(Path.Combine(dir.FullName, ShippedBounty.ConfigPath));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
