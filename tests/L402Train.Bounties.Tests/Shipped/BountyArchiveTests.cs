using System.Formats.Tar;
using System.IO.Compression;
using L402Train.Bounties.Shipped;
using Xunit;

namespace L402Train.Bounties.Tests.Shipped;

public sealed class BountyArchiveTests : IDisposable
{
    private readonly string target = Directory.CreateTempSubdirectory("l402-archive-").FullName;

    public void Dispose() => Directory.Delete(target, recursive: true);

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "link")]
    [InlineData(TarEntryType.HardLink, "hard")]
    [InlineData(TarEntryType.RegularFile, "../escaped.txt")]
    [InlineData(TarEntryType.RegularFile, "/etc/escaped.txt")]
    public void Unpacking_refuses_links_and_names_that_leave_the_target(TarEntryType type, string name)
    {
        var archive = Archive(type, name);

        Assert.Throws<InvalidDataException>(() => BountyArchive.Extract(new MemoryStream(archive), target));
        Assert.False(File.Exists(Path.Combine(target, "..", "escaped.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public void Unpacking_stops_at_the_size_limit()
    {
        var archive = BountyArchive.Create(new Dictionary<string, string> { ["a.txt"] = new string('a', 5000) });

        Assert.Throws<InvalidDataException>(() => BountyArchive.Extract(new MemoryStream(archive), target, maxBytes: 1000));
    }

    private static byte[] Archive(TarEntryType type, string name)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(type, name);
            if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink) { entry.LinkName = "/data/heldout/messages.tsv"; }
            else { entry.DataStream = new MemoryStream("x"u8.ToArray()); }
            tar.WriteEntry(entry);
        }
        return output.ToArray();
    }
}
