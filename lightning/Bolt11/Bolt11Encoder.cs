using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace L402Train.Lightning.Bolt11;

/// <summary>
/// The BOLT11 writer. Fields go out in the order s, p, d|h, m, x, c, n, f, r, 9 (the order the
/// spec's first examples use), integers minimally encoded.
/// </summary>
internal static class Bolt11Encoder
{
    public static Bolt11Invoice Encode(Bolt11Request request, NodeKey key)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(key);
        if (request.Currency.Length == 0 || !request.Currency.All(char.IsAsciiLetterLower))
            throw new ArgumentException("The currency is lowercase letters, e.g. \"bcrt\".", nameof(request));
        if (request.PaymentSecret.Length != 32) throw new ArgumentException("The payment secret is 32 bytes.", nameof(request));
        if (request.Description is null == request.DescriptionHash is null)
            throw new ArgumentException("Set exactly one of Description and DescriptionHash.", nameof(request));
        if (request.DescriptionHash is { Length: not 32 }) throw new ArgumentException("The description hash is 32 bytes.", nameof(request));
        var seconds = request.Timestamp.ToUnixTimeSeconds();
        if (seconds < 0 || seconds >= 1L << 35) throw new ArgumentOutOfRangeException(nameof(request), "The timestamp does not fit 35 bits.");

        var hrp = "ln" + request.Currency + (request.Amount is { } amount ? Bolt11Amount.Format(amount) : "");
        var groups = new List<byte>(512);
        for (var i = 6; i >= 0; i--) groups.Add((byte)((seconds >> (5 * i)) & 31));
        AddBytes(groups, Bolt11Tag.PaymentSecret, request.PaymentSecret.Span);
        AddBytes(groups, Bolt11Tag.PaymentHash, request.PaymentHash.Bytes);
        if (request.Description is { } description) AddBytes(groups, Bolt11Tag.Description, Encoding.UTF8.GetBytes(description));
        if (request.DescriptionHash is { } descriptionHash) AddBytes(groups, Bolt11Tag.DescriptionHash, descriptionHash.Span);
        if (request.Metadata is { } metadata) AddBytes(groups, Bolt11Tag.Metadata, metadata.Span);
        if (request.Expiry is { } expiry) AddInteger(groups, Bolt11Tag.Expiry, checked((ulong)expiry.TotalSeconds));
        if (request.MinFinalCltvExpiry is { } cltv) AddInteger(groups, Bolt11Tag.MinFinalCltv, checked((ulong)cltv));
        if (request.IncludePayeeNodeKey) AddBytes(groups, Bolt11Tag.PayeeNodeKey, key.Id.Bytes);
        foreach (var fallback in request.Fallbacks)
        {
            byte[] value = [(byte)fallback.Version, .. Bech32.EightToFive(fallback.Program.Span)];
            AddField(groups, Bolt11Tag.Fallback, value);
        }
        foreach (var route in request.RouteHints) AddBytes(groups, Bolt11Tag.RouteHint, RouteBytes(route));
        if (request.Features.Count > 0) AddField(groups, Bolt11Tag.Features, FeatureGroups(request.Features));

        var body = groups.ToArray();
        var signingData = Bolt11Decoder.SigningData(hrp, body);
        var signature = key.Sign(SHA256.HashData(signingData));
        byte[] signatureBytes = [.. signature.Compact, (byte)signature.RecoveryId];
        byte[] data = [.. body, .. Bech32.EightToFive(signatureBytes)];
        var text = Bech32.Encode(hrp, data);

        var fields = new Bolt11Fields
        {
            PaymentHash = request.PaymentHash,
            PaymentSecret = request.PaymentSecret.ToArray(),
            Description = request.Description,
            DescriptionHash = request.DescriptionHash?.ToArray(),
            Expiry = request.Expiry,
            MinFinalCltvExpiry = request.MinFinalCltvExpiry,
            Features = [.. request.Features],
            Metadata = request.Metadata?.ToArray(),
            RouteHints = [.. request.RouteHints],
            Fallbacks = [.. request.Fallbacks],
        };
        return Bolt11Invoice.Create(text, request.Currency, request.Amount, DateTimeOffset.FromUnixTimeSeconds(seconds), fields,
            key.Id, request.IncludePayeeNodeKey, signature.Compact, signature.RecoveryId, signingData);
    }

    private static void AddBytes(List<byte> groups, byte tag, ReadOnlySpan<byte> bytes) => AddField(groups, tag, Bech32.EightToFive(bytes));

    private static void AddInteger(List<byte> groups, byte tag, ulong value)
    {
        var digits = new List<byte>();
        for (; value > 0; value >>= 5) digits.Insert(0, (byte)(value & 31));
        AddField(groups, tag, [.. digits]);
    }

    private static void AddField(List<byte> groups, byte tag, byte[] value)
    {
        if (value.Length > 1023) throw new ArgumentException($"Tagged field {tag} is longer than 1023 groups (639 bytes).");
        groups.Add(tag);
        groups.Add((byte)(value.Length >> 5));
        groups.Add((byte)(value.Length & 31));
        groups.AddRange(value);
    }

    private static byte[] FeatureGroups(IReadOnlyCollection<int> bits)
    {
        var length = bits.Max() / 5 + 1;
        var groups = new byte[length];
        foreach (var bit in bits) groups[length - 1 - bit / 5] |= (byte)(1 << (bit % 5));
        return groups;
    }

    private static byte[] RouteBytes(IReadOnlyList<RouteHintHop> route)
    {
        var bytes = new byte[route.Count * 51];
        for (var i = 0; i < route.Count; i++)
        {
            var hop = bytes.AsSpan(i * 51, 51);
            route[i].NodeId.Bytes.CopyTo(hop);
            BinaryPrimitives.WriteUInt64BigEndian(hop[33..], route[i].ShortChannelId);
            BinaryPrimitives.WriteUInt32BigEndian(hop[41..], route[i].FeeBaseMsat);
            BinaryPrimitives.WriteUInt32BigEndian(hop[45..], route[i].FeeProportionalMillionths);
            BinaryPrimitives.WriteUInt16BigEndian(hop[49..], route[i].CltvExpiryDelta);
        }
        return bytes;
    }
}
