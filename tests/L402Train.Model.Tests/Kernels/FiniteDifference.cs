namespace L402Train.Model.Tests.Kernels;

/// <summary>Central finite differences in double, compared element-wise with an analytic gradient.</summary>
internal static class FiniteDifference
{
    public const double Step = 1e-5;
    public const double Tolerance = 1e-3;

    /// <summary>Numerical d loss / d x[i] for every i, perturbing x in place and restoring it.</summary>
    public static double[] Gradient(double[] x, Func<double> loss, int offset = 0, int count = -1)
    {
        if (count < 0)
        {
            count = x.Length - offset;
        }

        var result = new double[count];
        for (var i = 0; i < count; i++)
        {
            var saved = x[offset + i];
            x[offset + i] = saved + Step;
            var plus = loss();
            x[offset + i] = saved - Step;
            var minus = loss();
            x[offset + i] = saved;
            result[i] = (plus - minus) / (2 * Step);
        }

        return result;
    }

    /// <summary>Largest |a − n| / max(|a|, |n|, floor) over all elements.</summary>
    public static double MaxRelativeError(ReadOnlySpan<double> analytic, ReadOnlySpan<double> numeric, double floor = 1e-6)
    {
        Assert.Equal(numeric.Length, analytic.Length);
        var worst = 0.0;
        for (var i = 0; i < analytic.Length; i++)
        {
            var scale = Math.Max(Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric[i])), floor);
            worst = Math.Max(worst, Math.Abs(analytic[i] - numeric[i]) / scale);
        }

        return worst;
    }

    public static void AssertClose(ReadOnlySpan<double> analytic, ReadOnlySpan<double> numeric, string what)
    {
        var error = MaxRelativeError(analytic, numeric);
        if (error > Tolerance)
        {
            var detail = new System.Text.StringBuilder();
            for (var i = 0; i < analytic.Length; i++)
            {
                var scale = Math.Max(Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric[i])), 1e-6);
                if (Math.Abs(analytic[i] - numeric[i]) / scale > Tolerance)
                {
                    detail.Append($" [{i}] analytic {analytic[i]:E6} numeric {numeric[i]:E6};");
                }
            }

            Assert.Fail($"{what}: max relative error {error:E3} > {Tolerance:E0}:{detail}");
        }
        // A gradient of all zeros would pass trivially; make sure the check looked at something.
        var largest = 0.0;
        foreach (var v in numeric)
        {
            largest = Math.Max(largest, Math.Abs(v));
        }

        Assert.True(largest > 1e-6, $"{what}: numerical gradient is all zero");
    }

    public static double[] Random(int count, int seed, double scale = 1.0)
    {
        var random = new L402Train.Model.Randomness.DeterministicRandom((ulong)seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.NextGaussian() * scale;
        }

        return values;
    }

    /// <summary>Σ y[i]·r[i]: a scalar loss whose gradient with respect to y is r.</summary>
    public static double Project(ReadOnlySpan<double> y, ReadOnlySpan<double> r)
    {
        var sum = 0.0;
        for (var i = 0; i < y.Length; i++)
        {
            sum += y[i] * r[i];
        }

        return sum;
    }
}
