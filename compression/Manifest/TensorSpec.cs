using System.Collections.Immutable;

namespace L402Train.Compression;

/// <summary>
/// One named tensor of a model: its name and shape. Rank 1 (<c>[n]</c>) or rank 2 (<c>[rows, cols]</c>);
/// higher-rank parameters are flattened to two dimensions by the model before compression, as the
/// reference chunking only defines 1-D and 2-D views.
/// </summary>
public sealed class TensorSpec : IEquatable<TensorSpec>
{
    /// <summary>Longest tensor name, in UTF-8 bytes, that the wire format carries.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>Creates a tensor spec; throws <see cref="ArgumentException"/> for an unusable name or shape.</summary>
    /// <param name="name">Unique name within the manifest (1–256 UTF-8 bytes).</param>
    /// <param name="shape">One or two positive dimensions; the element count must fit in an array.</param>
    public TensorSpec(string name, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        var nameBytes = System.Text.Encoding.UTF8.GetByteCount(name);
        if (nameBytes is 0 or > MaxNameBytes)
        {
            throw new ArgumentException($"Tensor name must be 1 to {MaxNameBytes} UTF-8 bytes.", nameof(name));
        }

        if (shape.Length is not (1 or 2))
        {
            throw new ArgumentException($"Tensor '{name}' has rank {shape.Length}; only rank 1 and 2 are chunked (flatten higher ranks to 2-D).", nameof(shape));
        }

        long count = 1;
        foreach (var dim in shape)
        {
            if (dim <= 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a non-positive dimension {dim}.", nameof(shape));
            }

            count *= dim;
        }

        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"Tensor '{name}' has {count} elements, more than one array holds.", nameof(shape));
        }

        Name = name;
        Shape = [.. shape];
        ElementCount = (int)count;
        Layout = ChunkLayout.For(Shape);
    }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>The tensor's dimensions (rank 1 or 2).</summary>
    public ImmutableArray<int> Shape { get; }

    /// <summary>Number of elements (product of the dimensions).</summary>
    public int ElementCount { get; }

    /// <summary>How the tensor is cut into chunks (derived from the shape, as the reference does).</summary>
    public ChunkLayout Layout { get; }

    /// <inheritdoc/>
    public bool Equals(TensorSpec? other) =>
        other is not null && Name == other.Name && Shape.AsSpan().SequenceEqual(other.Shape.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorSpec);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        foreach (var dim in Shape)
        {
            hash.Add(dim);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}[{string.Join(", ", Shape)}]";
}
