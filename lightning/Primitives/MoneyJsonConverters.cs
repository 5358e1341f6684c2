using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.Lightning;

/// <summary>
/// <see cref="Sats"/> as a bare JSON number, the shape a <c>long …Sat</c> field had, so state and
/// jobs written before the type existed read unchanged.
/// </summary>
public sealed class SatsJsonConverter : JsonConverter<Sats>
{
    /// <inheritdoc />
    public override Sats Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(MoneyJson.ReadAmount(ref reader, "satoshis", BitcoinSupply.MaxSats.Value));

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Sats value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value.Value);
    }
}

/// <summary><see cref="MilliSats"/> as a bare JSON number.</summary>
public sealed class MilliSatsJsonConverter : JsonConverter<MilliSats>
{
    /// <inheritdoc />
    public override MilliSats Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(MoneyJson.ReadAmount(ref reader, "millisatoshis", BitcoinSupply.MaxMilliSats.Value));

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, MilliSats value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value.Value);
    }
}

/// <summary>
/// <see cref="PaymentHash"/> as 64 lower-case hex characters (read in either case). The unset
/// value (<c>default</c>) is JSON <c>null</c>, so a record read from <c>{}</c> writes back.
/// </summary>
public sealed class PaymentHashJsonConverter : JsonConverter<PaymentHash>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override PaymentHash Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        MoneyJson.ReadHex(ref reader, "payment hash") is { } hex ? new PaymentHash(hex) : default;

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, PaymentHash value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.Bytes.IsEmpty) writer.WriteNullValue();
        else writer.WriteStringValue(value.ToHex());
    }
}

/// <summary><see cref="Preimage"/> as 64 lower-case hex characters (read in either case); unset is <c>null</c>.</summary>
public sealed class PreimageJsonConverter : JsonConverter<Preimage>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override Preimage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        MoneyJson.ReadHex(ref reader, "preimage") is { } hex ? new Preimage(hex) : default;

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Preimage value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.Bytes.IsEmpty) writer.WriteNullValue();
        else writer.WriteStringValue(value.ToHex());
    }
}

internal static class MoneyJson
{
    public static long ReadAmount(ref Utf8JsonReader reader, string unit, long max)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
            throw new JsonException($"An amount in {unit} is a whole JSON number, got {Describe(ref reader)}.");
        if (value < 0 || value > max)
            throw new JsonException($"An amount in {unit} is between 0 and {max}, got {value}.");
        return value;
    }

    // The 32 bytes, or null for JSON null (an unset value).
    public static byte[]? ReadHex(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"A {what} is a string of 64 hex characters, got {Describe(ref reader)}.");
        var text = reader.GetString()!;
        if (text.Length != 64 || !text.All(Uri.IsHexDigit))
            throw new JsonException($"A {what} is 64 hex characters, got '{Shorten(text)}'.");
        return Convert.FromHexString(text);
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"the string '{Shorten(reader.GetString()!)}'",
        JsonTokenType.Number => $"the number {System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan)}",
        _ => reader.TokenType.ToString(),
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…");
}
