using System.Globalization;

namespace L402Train.Compression;

/// <summary>
/// Small key/value metadata carried in a payload's header (UTF-8 strings, at most 32 entries,
/// keys 1–64 bytes, values up to 1,024 bytes). Written sorted by key so equal maps give equal
/// bytes. <see cref="BaseVersion"/> and <see cref="PeerId"/> are the entries the training track uses.
/// </summary>
public sealed class PayloadMetadata
{
    /// <summary>Key of the checkpoint version the pseudo-gradient was computed against.</summary>
    public const string BaseVersionKey = "base_version";

    /// <summary>Key of the submitting peer's id.</summary>
    public const string PeerIdKey = "peer_id";

    /// <summary>No entries.</summary>
    public static PayloadMetadata Empty { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    private readonly SortedDictionary<string, string> _entries;

    private PayloadMetadata(SortedDictionary<string, string> entries) => _entries = entries;

    /// <summary>The entries, sorted by key (ordinal).</summary>
    public IReadOnlyDictionary<string, string> Entries => _entries;

    /// <summary>The base checkpoint version, when present and a valid integer.</summary>
    public long? BaseVersion =>
        _entries.TryGetValue(BaseVersionKey, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>The peer id, when present.</summary>
    public string? PeerId => _entries.TryGetValue(PeerIdKey, out var id) ? id : null;

    /// <summary>Metadata with the base version, peer id and any extra entries.</summary>
    public static PayloadMetadata Create(long baseVersion, string peerId, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseVersion);
        var entries = new List<KeyValuePair<string, string>>
        {
            new(BaseVersionKey, baseVersion.ToString(CultureInfo.InvariantCulture)),
            new(PeerIdKey, peerId),
        };
        if (extra is not null)
        {
            entries.AddRange(extra);
        }

        return FromEntries(entries);
    }

    /// <summary>Metadata from arbitrary entries; throws <see cref="ArgumentException"/> past the limits.</summary>
    public static PayloadMetadata FromEntries(IEnumerable<KeyValuePair<string, string>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            var keyBytes = System.Text.Encoding.UTF8.GetByteCount(key);
            if (keyBytes is 0 or > WireConstants.MaxMetadataKeyBytes)
            {
                throw new ArgumentException($"Metadata key '{key}' must be 1 to {WireConstants.MaxMetadataKeyBytes} UTF-8 bytes.", nameof(entries));
            }

            if (System.Text.Encoding.UTF8.GetByteCount(value) > WireConstants.MaxMetadataValueBytes)
            {
                throw new ArgumentException($"Metadata value of '{key}' exceeds {WireConstants.MaxMetadataValueBytes} UTF-8 bytes.", nameof(entries));
            }

            if (!map.TryAdd(key, value))
            {
                throw new ArgumentException($"Metadata key '{key}' appears twice.", nameof(entries));
            }
        }

        if (map.Count > WireConstants.MaxMetadataEntries)
        {
            throw new ArgumentException($"At most {WireConstants.MaxMetadataEntries} metadata entries.", nameof(entries));
        }

        return new PayloadMetadata(map);
    }
}
