using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace L402Train.Model.Kernels;

/// <summary>
/// SIMD building blocks shared by the kernels. Every reduction sums lanes in one fixed order, so a
/// result never depends on how work was split between threads; fused multiply-adds are used
/// everywhere (also in scalar tails) so the vector and scalar paths round the same way.
/// </summary>
internal static class Simd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        throw new NotSupportedException("Kernels run on float or double.");
    }

    /// <summary>Sums the lanes left to right: a fixed order, whatever the hardware.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum<T>(Vector256<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = v.GetElement(0);
        for (var i = 1; i < Vector256<T>.Count; i++)
        {
            sum += v.GetElement(i);
        }

        return sum;
    }

    /// <summary>Dot product of two equally long runs: lane-wise FMA, fixed lane order, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot<T>(ref T a, ref T b, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = Vector256<T>.Count;
        var acc = Vector256<T>.Zero;
        var i = 0;
        for (; i <= length - width; i += width)
        {
            acc = Fma(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i), acc);
        }

        var sum = Sum(acc);
        for (; i < length; i++)
        {
            sum = T.FusedMultiplyAdd(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i), sum);
        }

        return sum;
    }

    /// <summary>y[i] += alpha * x[i] over a run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled<T>(ref T y, ref T x, T alpha, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = Vector256<T>.Count;
        var va = Vector256.Create(alpha);
        var i = 0;
        for (; i <= length - width; i += width)
        {
            Fma(va, Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i))
                .StoreUnsafe(ref y, (nuint)i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = T.FusedMultiplyAdd(alpha, Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        }
    }

    /// <summary>Sum of a run, lane-wise then in fixed lane order, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum<T>(ref T x, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = Vector256<T>.Count;
        var acc = Vector256<T>.Zero;
        var i = 0;
        for (; i <= length - width; i += width)
        {
            acc += Vector256.LoadUnsafe(ref x, (nuint)i);
        }

        var sum = Sum(acc);
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref x, i);
        }

        return sum;
    }
}
