namespace L402Train.Lightning;

/// <summary>An amount in whole satoshis. Never negative.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(SatsJsonConverter))]
public readonly record struct Sats : IComparable<Sats>
{
    /// <summary>Creates an amount; negative values are refused.</summary>
    public Sats(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        Value = value;
    }

    /// <summary>The amount in satoshis.</summary>
    public long Value { get; }

    /// <summary>Zero satoshis.</summary>
    public static Sats Zero => default;

    /// <summary>The same amount in millisatoshis; throws on overflow.</summary>
    public MilliSats ToMilliSats() => new(checked(Value * 1000));

    /// <summary>Sum; throws on overflow.</summary>
    public static Sats operator +(Sats a, Sats b) => new(checked(a.Value + b.Value));

    /// <summary>Difference; throws when the result would be negative.</summary>
    public static Sats operator -(Sats a, Sats b) => new(checked(a.Value - b.Value));

    /// <summary>The smaller of two amounts.</summary>
    public static Sats Min(Sats a, Sats b) => a.Value <= b.Value ? a : b;

    /// <inheritdoc />
    public int CompareTo(Sats other) => Value.CompareTo(other.Value);

    /// <summary>Orders amounts.</summary>
    public static bool operator <(Sats a, Sats b) => a.Value < b.Value;
    /// <summary>Orders amounts.</summary>
    public static bool operator >(Sats a, Sats b) => a.Value > b.Value;
    /// <summary>Orders amounts.</summary>
    public static bool operator <=(Sats a, Sats b) => a.Value <= b.Value;
    /// <summary>Orders amounts.</summary>
    public static bool operator >=(Sats a, Sats b) => a.Value >= b.Value;

    /// <inheritdoc />
    public override string ToString() => $"{Value} sat";
}
