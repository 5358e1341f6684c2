using System.Text;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// Drains a pipe to its end, keeping the first <c>cap</c> bytes and the last few kilobytes. The
/// pipe is always read to EOF so a chatty eval never blocks on a full pipe; the tail lets the
/// score (the last line) survive an over-long log.
/// </summary>
internal sealed class CappedOutput(int cap, int tailBytes = 4096)
{
    private readonly MemoryStream head = new();
    private readonly byte[] tail = new byte[tailBytes];
    private long total;

    public bool Truncated => total > cap;

    public string Text => Encoding.UTF8.GetString(head.GetBuffer(), 0, (int)head.Length);

    /// <summary>The end of the stream: all of it when it fitted, else the last bytes kept.</summary>
    public string End
    {
        get
        {
            if (!Truncated) { return Text; }
            var kept = (int)Math.Min(total, tail.Length);
            var bytes = new byte[kept];
            var start = (int)((total - kept) % tail.Length);
            for (var i = 0; i < kept; i++) { bytes[i] = tail[(start + i) % tail.Length]; }
            return Encoding.UTF8.GetString(bytes);
        }
    }

    public async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            var room = (int)Math.Max(0, cap - head.Length);
            if (room > 0) { head.Write(buffer, 0, Math.Min(room, read)); }
            for (var i = 0; i < read; i++) { tail[(total + i) % tail.Length] = buffer[i]; }
            total += read;
        }
    }
}
