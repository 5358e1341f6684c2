namespace L402Train.Grains.Bounties.Validation;

/// <summary>One-sided critical values of Student's t distribution (the standard table), for the repeats test.</summary>
internal static class StudentT
{
    private static readonly double[] Alpha05 =
    [
        6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753,
        1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697,
    ];

    private static readonly double[] Alpha025 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    private static readonly double[] Alpha01 =
    [
        31.821, 6.965, 4.541, 3.747, 3.365, 3.143, 2.998, 2.896, 2.821, 2.764, 2.718, 2.681, 2.650, 2.624, 2.602,
        2.583, 2.567, 2.552, 2.539, 2.528, 2.518, 2.508, 2.500, 2.492, 2.485, 2.479, 2.473, 2.467, 2.462, 2.457,
    ];

    /// <summary>t such that P(T &gt; t) = <paramref name="alpha"/> with <paramref name="degreesOfFreedom"/> (floored: conservative).</summary>
    public static double CriticalValue(double alpha, double degreesOfFreedom)
    {
        var (table, normal) = alpha switch
        {
            0.05 => (Alpha05, 1.645),
            0.025 => (Alpha025, 1.960),
            0.01 => (Alpha01, 2.326),
            _ => throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "use 0.05, 0.025 or 0.01"),
        };
        var df = double.IsFinite(degreesOfFreedom) ? Math.Max(1, (int)Math.Floor(degreesOfFreedom)) : int.MaxValue;
        return df <= table.Length ? table[df - 1] : normal;
    }
}
