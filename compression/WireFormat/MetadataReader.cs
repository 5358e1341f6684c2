using System.Text;

namespace L402Train.Compression;

/// <summary>Reads and checks the header's metadata entries (counts, lengths, strict UTF-8, ascending keys).</summary>
internal static class MetadataReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static PayloadMetadata Read(WireReader reader)
    {
        var count = reader.ReadByte("metadata count");
        if (count > WireConstants.MaxMetadataEntries)
        {
            throw new CompressedFormatException($"Payload declares {count} metadata entries; at most {WireConstants.MaxMetadataEntries} are allowed.");
        }

        var entries = new List<KeyValuePair<string, string>>(count);
        string? previous = null;
        for (var i = 0; i < count; i++)
        {
            var keyLength = reader.ReadByte("metadata key length");
            if (keyLength is 0 or > WireConstants.MaxMetadataKeyBytes)
            {
                throw new CompressedFormatException($"Metadata key #{i} has length {keyLength}; keys are 1 to {WireConstants.MaxMetadataKeyBytes} bytes.");
            }

            var key = Utf8(reader.Read(keyLength, "metadata key"), "metadata key");
            if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
            {
                throw new CompressedFormatException($"Metadata key '{key}' is repeated or out of order.");
            }

            var valueLength = reader.ReadUInt16("metadata value length");
            if (valueLength > WireConstants.MaxMetadataValueBytes)
            {
                throw new CompressedFormatException($"Metadata value of '{key}' declares {valueLength} bytes; at most {WireConstants.MaxMetadataValueBytes}.");
            }

            entries.Add(new(key, Utf8(reader.Read(valueLength, "metadata value"), "metadata value")));
            previous = key;
        }

        return PayloadMetadata.FromEntries(entries);
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new CompressedFormatException($"The {what} is not valid UTF-8.", e);
        }
    }
}
