namespace L402Train.Model.Randomness;

/// <summary>
/// SplitMix64: a small, fully specified generator, so a seed gives the same stream on every
/// machine and .NET version (unlike <see cref="Random"/>, whose algorithm is an implementation detail).
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _state;

    /// <summary>Starts a stream from a seed.</summary>
    public DeterministicRandom(ulong seed) => _state = seed;

    /// <summary>Derives one seed from several values (for example seed, round, index), order-sensitive.</summary>
    public static ulong Mix(params ReadOnlySpan<ulong> values)
    {
        var h = 0x9E3779B97F4A7C15UL;
        foreach (var v in values)
        {
            h = Finalize(h ^ Finalize(v + 0x632BE59BD9B4E019UL));
        }

        return h;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Finalize(_state);
    }

    /// <summary>Uniform integer in [0, maxExclusive) (Lemire's multiply-shift; bias below 2⁻³²).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }

    /// <summary>The first <see cref="NextInt"/> of a stream started from <paramref name="seed"/>, without allocating one.</summary>
    public static int FirstInt(ulong seed, int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        var first = Finalize(seed + 0x9E3779B97F4A7C15UL);
        return (int)(((first >> 32) * (ulong)maxExclusive) >> 32);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal draw (Box–Muller; one of the pair is used, for simplicity of state).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
