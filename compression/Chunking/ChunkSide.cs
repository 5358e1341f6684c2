namespace L402Train.Compression;

/// <summary>
/// The reference's per-dimension chunk side: the largest divisor of a dimension that is at most
/// the target (64), so chunks tile the tensor exactly. Prime dimensions above the target get side 1.
/// </summary>
public static class ChunkSide
{
    /// <summary>The per-dimension target; 64 × 64 = 4,096-element chunks keep indices within 12 bits.</summary>
    public const int Target = 64;

    /// <summary>Largest divisor of <paramref name="size"/> that is ≤ <paramref name="target"/>.</summary>
    public static int Of(int size, int target = Target)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(target);
        if (size <= target)
        {
            return size;
        }

        for (var side = target; side > 1; side--)
        {
            if (size % side == 0)
            {
                return side;
            }
        }

        return 1;
    }
}
