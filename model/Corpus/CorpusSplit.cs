using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace L402Train.Model.Corpus;

/// <summary>
/// Splits documents into train and held-out sets by a hash of each document's text, so the split
/// does not depend on file order or on which other documents are present: every silo and peer
/// that holds a document puts it on the same side.
/// </summary>
public static class CorpusSplit
{
    /// <summary>True when the document belongs to the held-out set for the given fraction.</summary>
    public static bool IsHeldOut(string document, double heldOutFraction)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentOutOfRangeException.ThrowIfNegative(heldOutFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(heldOutFraction, 1.0);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(document), hash);
        // The first 8 bytes as a uniform fraction in [0, 1).
        var position = (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
        return position < heldOutFraction;
    }

    /// <summary>Splits documents keeping their order within each side.</summary>
    public static (IReadOnlyList<string> Train, IReadOnlyList<string> HeldOut) Split(IEnumerable<string> documents, double heldOutFraction)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var train = new List<string>();
        var heldOut = new List<string>();
        foreach (var document in documents)
        {
            (IsHeldOut(document, heldOutFraction) ? heldOut : train).Add(document);
        }

        return (train, heldOut);
    }
}
