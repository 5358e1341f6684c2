using System.Text;

namespace L402Train.L402.Macaroons;

/// <summary>
/// The V2 binary layout (libmacaroons doc/format.txt, go-macaroon marshal-v2.go):
/// <c>0x02 [loc] id EOS (caveat EOS)* EOS sig</c>, every field <c>varint(type) varint(len) bytes</c>,
/// types location=1, identifier=2, vid=4, signature=6, strictly increasing inside a section.
/// The decoder is strict in the same places go-macaroon is: out-of-order fields, truncated or
/// oversized varints, a signature that is not 32 bytes, and trailing bytes are refused.
/// </summary>
internal static class MacaroonBinaryV2
{
    private const byte Version = 2;
    private const byte EndOfSection = 0;
    private const int FieldLocation = 1;
    private const int FieldIdentifier = 2;
    private const int FieldVerificationId = 4;
    private const int FieldSignature = 6;

    public static byte[] Encode(Macaroon macaroon)
    {
        var buffer = new List<byte>(64 + macaroon.Identifier.Length + (macaroon.Caveats.Count * 40)) { Version };
        if (macaroon.Location is { Length: > 0 } location) AppendField(buffer, FieldLocation, Encoding.UTF8.GetBytes(location));
        AppendField(buffer, FieldIdentifier, macaroon.Identifier.Span);
        buffer.Add(EndOfSection);
        foreach (var caveat in macaroon.Caveats)
        {
            if (caveat.Location is { Length: > 0 } caveatLocation) AppendField(buffer, FieldLocation, Encoding.UTF8.GetBytes(caveatLocation));
            AppendField(buffer, FieldIdentifier, caveat.Identifier.Span);
            if (caveat.VerificationId is { Length: > 0 } vid) AppendField(buffer, FieldVerificationId, vid.Span);
            buffer.Add(EndOfSection);
        }
        buffer.Add(EndOfSection);
        AppendField(buffer, FieldSignature, macaroon.Signature.Span);
        return [.. buffer];
    }

    private static void AppendField(List<byte> buffer, int type, ReadOnlySpan<byte> data)
    {
        AppendVarint(buffer, (uint)type);
        AppendVarint(buffer, (uint)data.Length);
        foreach (var b in data) buffer.Add(b);
    }

    private static void AppendVarint(List<byte> buffer, uint value)
    {
        while (value >= 0x80)
        {
            buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.Add((byte)value);
    }

    public static Macaroon Decode(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) throw new MacaroonFormatException("The macaroon is empty.");
        if (data[0] != Version)
        {
            throw new MacaroonFormatException(IsHexDigit(data[0])
                ? "V1 (text) macaroons are not supported; send the V2 binary form."
                : $"Unknown macaroon version byte 0x{data[0]:x2}; expected 0x02 (V2).");
        }
        var reader = new Reader(data[1..]);

        string? location = null;
        byte[]? identifier = null;
        var lastType = 0;
        while (reader.TryReadFieldOrEnd(out var type, out var value))
        {
            EnsureOrder(ref lastType, type, "header");
            switch (type)
            {
                case FieldLocation: location = DecodeUtf8(value, "location"); break;
                case FieldIdentifier: identifier = value.ToArray(); break;
                default: throw new MacaroonFormatException($"Unexpected field type {type} in the macaroon header.");
            }
        }
        if (identifier is null) throw new MacaroonFormatException("The macaroon has no identifier.");

        var caveats = new List<MacaroonCaveat>();
        while (true)
        {
            string? caveatLocation = null;
            byte[]? caveatId = null;
            byte[]? vid = null;
            lastType = 0;
            var fields = 0;
            while (reader.TryReadFieldOrEnd(out var type, out var value))
            {
                fields++;
                EnsureOrder(ref lastType, type, "caveat");
                switch (type)
                {
                    case FieldLocation: caveatLocation = DecodeUtf8(value, "caveat location"); break;
                    case FieldIdentifier: caveatId = value.ToArray(); break;
                    case FieldVerificationId: vid = value.ToArray(); break;
                    default: throw new MacaroonFormatException($"Unexpected field type {type} in a caveat.");
                }
            }
            if (fields == 0) break; // an empty section ends the caveat list
            if (caveatId is null) throw new MacaroonFormatException("A caveat has no identifier.");
            if (vid is null && caveatLocation is not null)
                throw new MacaroonFormatException("A first-party caveat must not carry a location.");
            caveats.Add(new MacaroonCaveat(caveatId, vid, caveatLocation));
        }

        if (!reader.TryReadFieldOrEnd(out var sigType, out var signature))
            throw new MacaroonFormatException("The macaroon has no signature.");
        if (sigType != FieldSignature) throw new MacaroonFormatException($"Expected the signature field, found type {sigType}.");
        if (signature.Length != MacaroonCrypto.SignatureLength)
            throw new MacaroonFormatException($"The signature is {signature.Length} bytes; it must be 32.");
        if (!reader.AtEnd) throw new MacaroonFormatException("Unexpected bytes after the macaroon signature.");
        return new Macaroon(location, identifier, caveats, signature.ToArray());
    }

    private static void EnsureOrder(ref int lastType, int type, string section)
    {
        if (type <= lastType) throw new MacaroonFormatException($"Fields out of order in a {section} section.");
        lastType = type;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private static string DecodeUtf8(ReadOnlySpan<byte> value, string what)
    {
        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException e)
        {
            throw new MacaroonFormatException($"The {what} is not valid UTF-8.", e);
        }
    }

    private static bool IsHexDigit(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public readonly bool AtEnd => position == data.Length;

        /// <summary>Reads one field, or consumes an end-of-section byte and returns false.</summary>
        public bool TryReadFieldOrEnd(out int type, out ReadOnlySpan<byte> value)
        {
            if (position >= data.Length) throw new MacaroonFormatException("The macaroon is truncated.");
            if (data[position] == EndOfSection)
            {
                position++;
                type = 0;
                value = default;
                return false;
            }
            type = ReadVarint();
            var length = ReadVarint();
            if (length > data.Length - position) throw new MacaroonFormatException("A field is longer than the remaining data.");
            value = data.Slice(position, length);
            position += length;
            return true;
        }

        private int ReadVarint()
        {
            uint result = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (position >= data.Length) throw new MacaroonFormatException("Truncated varint.");
                var b = data[position++];
                if (shift == 28 && b > 0x07) throw new MacaroonFormatException("Varint out of range.");
                result |= (uint)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return (int)result;
            }
        }
    }
}
