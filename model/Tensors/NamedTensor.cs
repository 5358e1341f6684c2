namespace L402Train.Model.Tensors;

/// <summary>
/// One named tensor: a view of its values inside a <see cref="ParameterSet"/>'s flat buffer.
/// Writing through <see cref="Values"/> changes the set.
/// </summary>
public sealed class NamedTensor
{
    internal NamedTensor(TensorSlot spec, Memory<float> values)
    {
        Spec = spec;
        Values = values;
    }

    /// <summary>Name, shape and offset.</summary>
    public TensorSlot Spec { get; }

    /// <summary>The tensor's name.</summary>
    public string Name => Spec.Name;

    /// <summary>Dimensions, row-major.</summary>
    public IReadOnlyList<int> Shape => Spec.Shape;

    /// <summary>The values (row-major), a slice of the owning set's buffer.</summary>
    public Memory<float> Values { get; }
}
