using System.Security.Cryptography;
using System.Text;

namespace L402Train.Lightning.Facade;

/// <summary>
/// The per-node credential of the simnet REST facade: a V2 binary macaroon (location "simnet",
/// identifier "node=&lt;name&gt;", no caveats) signed with a random root key, so it has the same
/// shape as an LND macaroon file and travels the same way (hex in <c>Grpc-Metadata-macaroon</c>).
/// The facade compares it byte for byte; it does not parse it.
/// </summary>
internal static class SimnetMacaroon
{
    public static byte[] Create(string nodeName, byte[] rootKey)
    {
        var location = Encoding.UTF8.GetBytes("simnet");
        var identifier = Encoding.UTF8.GetBytes("node=" + nodeName);
        using var derive = new HMACSHA256(Encoding.UTF8.GetBytes("macaroons-key-generator"));
        var key = derive.ComputeHash(rootKey);
        var signature = HMACSHA256.HashData(key, identifier);
        using var output = new MemoryStream();
        output.WriteByte(2);
        WriteField(output, 1, location);
        WriteField(output, 2, identifier);
        output.WriteByte(0); // end of header section
        output.WriteByte(0); // end of (empty) caveat list
        WriteField(output, 6, signature);
        return output.ToArray();
    }

    private static void WriteField(MemoryStream output, byte type, byte[] data)
    {
        output.WriteByte(type);
        var length = (uint)data.Length;
        while (length >= 0x80)
        {
            output.WriteByte((byte)(length | 0x80));
            length >>= 7;
        }
        output.WriteByte((byte)length);
        output.Write(data);
    }
}
