using System.Numerics.Tensors;

namespace L402Train.Model.Tensors;

/// <summary>
/// An ordered list of named tensors laid out back to back in one flat float buffer: the model's
/// weights, a snapshot of them, a gradient, or a pseudo-gradient (start − end). Sets with the same
/// layout combine element-wise.
/// </summary>
public sealed class ParameterSet
{
    private readonly Dictionary<string, NamedTensor> _byName;

    /// <summary>Wraps a buffer (not copied) with a layout.</summary>
    /// <exception cref="ArgumentException">The buffer length does not match the layout.</exception>
    public ParameterSet(IReadOnlyList<TensorSlot> layout, float[] buffer)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(buffer);
        var total = layout.Count == 0 ? 0 : layout[^1].Offset + layout[^1].Length;
        if (buffer.Length != total)
        {
            throw new ArgumentException($"Buffer holds {buffer.Length} values; the layout needs {total}.", nameof(buffer));
        }

        Layout = layout;
        Buffer = buffer;
        Tensors = [.. layout.Select(spec => new NamedTensor(spec, buffer.AsMemory(spec.Offset, spec.Length)))];
        _byName = Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>A zero-filled set with a layout.</summary>
    public static ParameterSet Zeros(IReadOnlyList<TensorSlot> layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new ParameterSet(layout, new float[layout.Count == 0 ? 0 : layout[^1].Offset + layout[^1].Length]);
    }

    /// <summary>Names, shapes and offsets, in order.</summary>
    public IReadOnlyList<TensorSlot> Layout { get; }

    /// <summary>The tensors in layout order.</summary>
    public IReadOnlyList<NamedTensor> Tensors { get; }

    /// <summary>All values back to back, in layout order.</summary>
    public float[] Buffer { get; }

    /// <summary>Total number of values.</summary>
    public int Count => Buffer.Length;

    /// <summary>A tensor by name.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public NamedTensor this[string name] =>
        _byName.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"No tensor named '{name}'.");

    /// <summary>A deep copy with the same layout.</summary>
    public ParameterSet Clone() => new(Layout, (float[])Buffer.Clone());

    /// <summary>Overwrites every value with those of <paramref name="source"/>.</summary>
    public void CopyFrom(ParameterSet source)
    {
        CheckSameLayout(source);
        source.Buffer.AsSpan().CopyTo(Buffer);
    }

    /// <summary>this − <paramref name="other"/>, as a new set.</summary>
    public ParameterSet Subtract(ParameterSet other)
    {
        CheckSameLayout(other);
        var result = new float[Count];
        TensorPrimitives.Subtract(Buffer, other.Buffer, result);
        return new ParameterSet(Layout, result);
    }

    /// <summary>this += <paramref name="scale"/> · <paramref name="other"/>, in place.</summary>
    public void AddScaled(ParameterSet other, float scale)
    {
        CheckSameLayout(other);
        TensorPrimitives.MultiplyAdd(other.Buffer, scale, Buffer, Buffer);
    }

    /// <summary>True when both sets have the same names, shapes and order.</summary>
    public bool HasSameLayout(ParameterSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(Layout, other.Layout))
        {
            return true;
        }

        return Layout.Count == other.Layout.Count
            && Layout.Zip(other.Layout).All(p => p.First.Name == p.Second.Name && p.First.Shape.SequenceEqual(p.Second.Shape));
    }

    private void CheckSameLayout(ParameterSet other)
    {
        if (!HasSameLayout(other))
        {
            throw new ArgumentException("Parameter sets have different layouts (names or shapes differ).", nameof(other));
        }
    }
}
