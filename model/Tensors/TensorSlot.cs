namespace L402Train.Model.Tensors;

/// <summary>Name, shape and position of one tensor inside a flat parameter buffer.</summary>
/// <param name="Name">Stable name (for example <c>h.0.attn.c_attn.weight</c>).</param>
/// <param name="Shape">Dimensions, row-major; weights are [out, in].</param>
/// <param name="Offset">First element in the flat buffer.</param>
public sealed record TensorSlot(string Name, IReadOnlyList<int> Shape, int Offset)
{
    /// <summary>Number of elements (product of the shape).</summary>
    public int Length { get; } = Shape.Aggregate(1, (a, b) => checked(a * b));

    /// <summary>The shape as text, for messages: <c>[384, 128]</c>.</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
