namespace L402Train.Compression;

/// <summary>
/// The ordered list of a model's tensors. Peer and validator hold the same manifest; the order
/// is the order of tensors in every payload, and the decoder rejects payloads that disagree with it.
/// </summary>
public sealed class TensorManifest
{
    /// <summary>Most tensors a manifest (and so a payload) may hold.</summary>
    public const int MaxTensors = 65_536;

    private readonly TensorSpec[] _tensors;
    private readonly Dictionary<string, int> _indexByName;

    /// <summary>Creates a manifest; names must be unique.</summary>
    /// <param name="tensors">The tensors in payload order.</param>
    public TensorManifest(IEnumerable<TensorSpec> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = [.. tensors];
        if (_tensors.Length is 0 or > MaxTensors)
        {
            throw new ArgumentException($"A manifest holds 1 to {MaxTensors} tensors.", nameof(tensors));
        }

        _indexByName = new Dictionary<string, int>(_tensors.Length, StringComparer.Ordinal);
        long total = 0;
        for (var i = 0; i < _tensors.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_tensors[i], nameof(tensors));
            if (!_indexByName.TryAdd(_tensors[i].Name, i))
            {
                throw new ArgumentException($"Tensor name '{_tensors[i].Name}' appears twice.", nameof(tensors));
            }

            total += _tensors[i].ElementCount;
        }

        TotalElements = total;
    }

    /// <summary>The tensors in payload order.</summary>
    public IReadOnlyList<TensorSpec> Tensors => _tensors;

    /// <summary>Number of tensors.</summary>
    public int Count => _tensors.Length;

    /// <summary>Sum of all tensors' element counts.</summary>
    public long TotalElements { get; }

    /// <summary>The tensor at a position.</summary>
    public TensorSpec this[int index] => _tensors[index];

    /// <summary>
    /// SHA-256 (hex) of the names and shapes in order: a short way for peers and coordinator to
    /// confirm they hold the same manifest (e.g. published next to a checkpoint).
    /// </summary>
    public string Fingerprint()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[4];
        foreach (var tensor in _tensors)
        {
            var name = System.Text.Encoding.UTF8.GetBytes(tensor.Name);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(number, name.Length);
            hash.AppendData(number);
            hash.AppendData(name);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(number, tensor.Shape.Length);
            hash.AppendData(number);
            foreach (var dim in tensor.Shape)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(number, dim);
                hash.AppendData(number);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Position of a tensor by name, or -1 if absent.</summary>
    public int IndexOf(string name) => _indexByName.TryGetValue(name, out var index) ? index : -1;
}
