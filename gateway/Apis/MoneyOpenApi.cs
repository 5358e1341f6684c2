using System.Globalization;
using L402Train.Lightning;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace L402Train.Gateway.Apis;

/// <summary>
/// Money in the OpenAPI document as it is on the wire. <see cref="Sats"/>, <see cref="MilliSats"/>,
/// <see cref="PaymentHash"/> and <see cref="Preimage"/> are written by their own JSON converters, so the
/// schema generator sees no properties and would describe them as "anything": this says what the
/// converters write (a bare integer from 0 to the bitcoin supply; 64 lowercase hex digits, or null for
/// an unset hash).
/// </summary>
public static class MoneyOpenApi
{
    /// <summary>The pattern of a payment hash or preimage: 32 bytes as 64 lowercase hex digits.</summary>
    public const string HexPattern = "^[0-9a-f]{64}$";

    /// <summary>Adds the schema transformer.</summary>
    public static OpenApiOptions AddMoneySchemas(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            var nullable = Nullable.GetUnderlyingType(type) is not null;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(Sats)) Amount(schema, BitcoinSupply.MaxSats.Value, nullable, "satoshis");
            else if (type == typeof(MilliSats)) Amount(schema, BitcoinSupply.MaxMilliSats.Value, nullable, "millisatoshis");
            else if (type == typeof(PaymentHash)) Hex(schema, "payment hash");
            else if (type == typeof(Preimage)) Hex(schema, "preimage");
            return Task.CompletedTask;
        });
    }

    /// <summary>Describes <paramref name="schema"/> as an amount in satoshis held in a bare <see cref="long"/>.</summary>
    internal static void Amount(OpenApiSchema schema)
    {
        // The default options accept numbers in strings when reading; an amount the API writes is always a bare integer.
        schema.Pattern = null;
        Amount(schema, BitcoinSupply.MaxSats.Value, nullable: false, "satoshis");
    }

    private static void Amount(OpenApiSchema schema, long maximum, bool nullable, string unit)
    {
        schema.Type = nullable ? JsonSchemaType.Integer | JsonSchemaType.Null : JsonSchemaType.Integer;
        schema.Format = "int64";
        schema.Minimum = "0";
        schema.Maximum = maximum.ToString(CultureInfo.InvariantCulture);
        schema.Description ??= $"An amount in {unit}.";
    }

    // The converters write an unset (default) hash as null, so null is part of the wire type.
    private static void Hex(OpenApiSchema schema, string what)
    {
        schema.Type = JsonSchemaType.String | JsonSchemaType.Null;
        schema.Pattern = HexPattern;
        schema.Description ??= $"A {what}: 32 bytes as 64 lowercase hex digits.";
    }
}
