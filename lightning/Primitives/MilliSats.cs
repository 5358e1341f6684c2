namespace L402Train.Lightning;

/// <summary>An amount in millisatoshis, the unit Lightning settles in. Never negative.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(MilliSatsJsonConverter))]
public readonly record struct MilliSats : IComparable<MilliSats>
{
    /// <summary>Creates an amount; negative values are refused.</summary>
    public MilliSats(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        Value = value;
    }

    /// <summary>The amount in millisatoshis.</summary>
    public long Value { get; }

    /// <summary>Zero millisatoshis.</summary>
    public static MilliSats Zero => default;

    /// <summary>True when the amount is a whole number of satoshis.</summary>
    public bool IsWholeSats => Value % 1000 == 0;

    /// <summary>The amount in whole satoshis; throws when a fraction of a satoshi would be lost.</summary>
    public Sats ToSatsExact() => IsWholeSats
        ? new Sats(Value / 1000)
        : throw new InvalidOperationException($"{Value} msat is not a whole number of satoshis.");

    /// <summary>The amount in satoshis, rounded down.</summary>
    public Sats ToSatsFloor() => new(Value / 1000);

    /// <summary>Sum; throws on overflow.</summary>
    public static MilliSats operator +(MilliSats a, MilliSats b) => new(checked(a.Value + b.Value));

    /// <summary>Difference; throws when the result would be negative.</summary>
    public static MilliSats operator -(MilliSats a, MilliSats b) => new(checked(a.Value - b.Value));

    /// <inheritdoc />
    public int CompareTo(MilliSats other) => Value.CompareTo(other.Value);

    /// <summary>Orders amounts.</summary>
    public static bool operator <(MilliSats a, MilliSats b) => a.Value < b.Value;
    /// <summary>Orders amounts.</summary>
    public static bool operator >(MilliSats a, MilliSats b) => a.Value > b.Value;
    /// <summary>Orders amounts.</summary>
    public static bool operator <=(MilliSats a, MilliSats b) => a.Value <= b.Value;
    /// <summary>Orders amounts.</summary>
    public static bool operator >=(MilliSats a, MilliSats b) => a.Value >= b.Value;

    /// <inheritdoc />
    public override string ToString() => $"{Value} msat";
}
