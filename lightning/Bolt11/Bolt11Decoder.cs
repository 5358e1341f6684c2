using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using L402Train.Lightning.Secp256k1;

namespace L402Train.Lightning.Bolt11;

/// <summary>
/// The BOLT11 reader. Where the spec changed (bolts PR #1243 made wrong-length p/h/s/n fatal),
/// this reader follows lnd, the production backend: such fields and repeated fields are
/// skipped, so what lnd accepts we accept, and the rest of the spec's reader rules are enforced.
/// </summary>
internal static class Bolt11Decoder
{
    private const int TimestampGroups = 7;
    private const int SignatureGroups = 104;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static Bolt11Invoice Decode(string text, Secp256k1Engine engine)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.StartsWith("lightning:", StringComparison.OrdinalIgnoreCase)) text = text["lightning:".Length..];
        var (hrp, data) = Bech32.Decode(text);
        if (!hrp.StartsWith("ln", StringComparison.Ordinal))
            throw new Bolt11FormatException("Not a Lightning payment request: the prefix does not start with 'ln'.");
        var (currency, amount) = ParseHrp(hrp);
        if (data.Length < TimestampGroups + SignatureGroups)
            throw new Bolt11FormatException("The payment request is too short to hold a timestamp and a signature.");

        var body = data.AsSpan(0, data.Length - SignatureGroups);
        long seconds = 0;
        for (var i = 0; i < TimestampGroups; i++) seconds = (seconds << 5) | body[i];
        var fields = ParseFields(body[TimestampGroups..]);

        if (fields.PaymentHash is null) throw new Bolt11FormatException("The payment hash (p) field is missing.");
        if (fields.PaymentSecret is null) throw new Bolt11FormatException("The payment secret (s) field is missing.");
        if (fields.Description is null == fields.DescriptionHash is null)
            throw new Bolt11FormatException("Exactly one of description (d) and description hash (h) is required.");
        foreach (var bit in fields.Features ?? [])
        {
            if (Bolt11Features.IsUnknownRequired(bit)) throw new Bolt11FormatException($"Unknown required feature bit {bit}.");
        }

        var signatureBytes = Bech32.FiveToEight(data.AsSpan(data.Length - SignatureGroups), pad: false);
        var signature = signatureBytes[..64];
        var recoveryId = signatureBytes[64];
        var signingData = SigningData(hrp, body);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(signingData, hash);

        NodeId payee;
        if (fields.PayeeNodeKey is { } declared)
        {
            if (!Secp256k1Engine.IsLowS(signature))
                throw new Bolt11FormatException("The signature is not low-S, which is required when the payee (n) is given.");
            if (!engine.Verify(hash, signature, declared.Bytes))
                throw new Bolt11FormatException("The signature does not match the payee node key (n).");
            payee = declared;
        }
        else
        {
            // A high-S signature is read as its low-S twin with the same recovery id, which is how the
            // spec's "public-key recovery with high-S signature" example recovers the payee.
            var lowS = Secp256k1Engine.IsLowS(signature) ? signature : Secp256k1Engine.NegateS(signature);
            var recovered = recoveryId <= 3 ? engine.Recover(hash, lowS, recoveryId) : null;
            payee = recovered is null
                ? throw new Bolt11FormatException("The signature is not recoverable: no payee public key.")
                : new NodeId(recovered);
        }

        return Bolt11Invoice.Create(text.ToLowerInvariant(), currency, amount, DateTimeOffset.FromUnixTimeSeconds(seconds),
            fields, payee, fields.PayeeNodeKey is not null, signature, recoveryId, signingData);
    }

    internal static byte[] SigningData(string hrp, ReadOnlySpan<byte> body)
    {
        var hrpBytes = Encoding.ASCII.GetBytes(hrp);
        var bodyBytes = Bech32.FiveToEight(body, pad: true);
        return [.. hrpBytes, .. bodyBytes];
    }

    private static (string Currency, MilliSats? Amount) ParseHrp(string hrp)
    {
        var rest = hrp[2..];
        var letters = 0;
        while (letters < rest.Length && char.IsAsciiLetter(rest[letters])) letters++;
        if (letters == 0) throw new Bolt11FormatException("The network prefix after 'ln' is missing.");
        var currency = rest[..letters];
        var amountText = rest[letters..];
        return (currency, amountText.Length == 0 ? null : Bolt11Amount.Parse(amountText));
    }

    private static Bolt11Fields ParseFields(ReadOnlySpan<byte> groups)
    {
        var fields = new Bolt11Fields();
        var position = 0;
        while (position < groups.Length)
        {
            if (groups.Length - position < 3) throw new Bolt11FormatException("A tagged field is truncated.");
            var tag = groups[position];
            var length = (groups[position + 1] << 5) | groups[position + 2];
            position += 3;
            if (groups.Length - position < length) throw new Bolt11FormatException("A tagged field is longer than the data left.");
            ParseField(fields, tag, groups.Slice(position, length));
            position += length;
        }
        return fields;
    }

    private static void ParseField(Bolt11Fields fields, byte tag, ReadOnlySpan<byte> value)
    {
        switch (tag)
        {
            case Bolt11Tag.PaymentHash when fields.PaymentHash is null && value.Length == 52:
                fields.PaymentHash = new PaymentHash(Bech32.FiveToEight(value, pad: false));
                break;
            case Bolt11Tag.PaymentSecret when fields.PaymentSecret is null && value.Length == 52:
                fields.PaymentSecret = Bech32.FiveToEight(value, pad: false);
                break;
            case Bolt11Tag.DescriptionHash when fields.DescriptionHash is null && value.Length == 52:
                fields.DescriptionHash = Bech32.FiveToEight(value, pad: false);
                break;
            case Bolt11Tag.PayeeNodeKey when fields.PayeeNodeKey is null && value.Length == 53:
                var key = Bech32.FiveToEight(value, pad: false);
                if (key[0] is not (2 or 3)) throw new Bolt11FormatException("The payee node key (n) is not a compressed public key.");
                fields.PayeeNodeKey = new NodeId(key);
                break;
            case Bolt11Tag.Description when fields.Description is null:
                try
                {
                    fields.Description = StrictUtf8.GetString(Bech32.FiveToEight(value, pad: false));
                }
                catch (DecoderFallbackException e)
                {
                    throw new Bolt11FormatException("The description (d) is not valid UTF-8.", e);
                }
                break;
            case Bolt11Tag.Expiry when fields.Expiry is null:
                fields.Expiry = TimeSpan.FromSeconds(ReadMinimalInteger(value, "expiry (x)"));
                break;
            case Bolt11Tag.MinFinalCltv when fields.MinFinalCltvExpiry is null:
                var cltv = ReadMinimalInteger(value, "min_final_cltv_expiry (c)");
                fields.MinFinalCltvExpiry = cltv <= int.MaxValue ? (int)cltv : throw new Bolt11FormatException("min_final_cltv_expiry (c) is out of range.");
                break;
            case Bolt11Tag.Features when fields.Features is null:
                fields.Features = ReadFeatures(value);
                break;
            case Bolt11Tag.Metadata when fields.Metadata is null:
                fields.Metadata = Bech32.FiveToEight(value, pad: false);
                break;
            case Bolt11Tag.RouteHint:
                fields.RouteHints.Add(ReadRoute(value));
                break;
            case Bolt11Tag.Fallback:
                if (ReadFallback(value) is { } fallback) fields.Fallbacks.Add(fallback);
                break;
            default:
                break; // Unknown tags, repeated fields and (as lnd) wrong-length fixed fields are skipped.
        }
    }

    private static long ReadMinimalInteger(ReadOnlySpan<byte> value, string name)
    {
        if (value.Length > 0 && value[0] == 0) throw new Bolt11FormatException($"The {name} field is not minimally encoded.");
        if (value.Length > 12) throw new Bolt11FormatException($"The {name} field is too long.");
        long result = 0;
        foreach (var g in value) result = (result << 5) | g;
        if (result < 0 || result > TimeSpan.MaxValue.TotalSeconds / 2) throw new Bolt11FormatException($"The {name} field is out of range.");
        return result;
    }

    private static HashSet<int> ReadFeatures(ReadOnlySpan<byte> value)
    {
        if (value.Length > 0 && value[0] == 0) throw new Bolt11FormatException("The features (9) field is not minimally encoded.");
        var bits = new HashSet<int>();
        for (var i = 0; i < value.Length; i++)
        {
            var group = value[value.Length - 1 - i];
            for (var b = 0; b < 5; b++)
            {
                if ((group & (1 << b)) != 0) bits.Add(i * 5 + b);
            }
        }
        return bits;
    }

    private static List<RouteHintHop> ReadRoute(ReadOnlySpan<byte> value)
    {
        var bytes = Bech32.FiveToEight(value, pad: false);
        if (bytes.Length == 0 || bytes.Length % 51 != 0)
            throw new Bolt11FormatException("A route hint (r) is not a whole number of 51-byte hops.");
        var hops = new List<RouteHintHop>(bytes.Length / 51);
        for (var offset = 0; offset < bytes.Length; offset += 51)
        {
            var hop = bytes.AsSpan(offset, 51);
            if (hop[0] is not (2 or 3)) throw new Bolt11FormatException("A route hint (r) hop has an invalid node key.");
            hops.Add(new RouteHintHop(
                new NodeId(hop[..33]),
                BinaryPrimitives.ReadUInt64BigEndian(hop[33..]),
                BinaryPrimitives.ReadUInt32BigEndian(hop[41..]),
                BinaryPrimitives.ReadUInt32BigEndian(hop[45..]),
                BinaryPrimitives.ReadUInt16BigEndian(hop[49..])));
        }
        return hops;
    }

    private static FallbackAddress? ReadFallback(ReadOnlySpan<byte> value)
    {
        if (value.Length == 0) throw new Bolt11FormatException("A fallback address (f) is empty.");
        int version = value[0];
        var program = Bech32.FiveToEight(value[1..], pad: false);
        return version switch
        {
            17 or 18 when program.Length == 20 => new FallbackAddress(version, program),
            17 or 18 => throw new Bolt11FormatException("A P2PKH/P2SH fallback address (f) is not 20 bytes."),
            <= 16 when program.Length is >= 2 and <= 40 => new FallbackAddress(version, program),
            <= 16 => throw new Bolt11FormatException("A witness fallback address (f) has an invalid program length."),
            _ => null, // Unknown versions are skipped, as the spec requires.
        };
    }
}
