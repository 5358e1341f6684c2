using System.Globalization;
using System.Text.Json;
using L402Train.Lightning.Lnd;
using Microsoft.AspNetCore.Http;

namespace L402Train.Lightning.Facade;

/// <summary>
/// A request body read the way LND's REST proxy (grpc-gateway with protojson) reads it: a JSON
/// object whose keys are fields of the message by proto or lowerCamelCase name, each at most
/// once, each of its field's JSON type; an unknown field or a wrong type is a 400 naming it. An
/// empty body is the empty message. Absent and <c>null</c> fields read as the field's default.
/// </summary>
internal sealed class LndRequestBody
{
    private readonly LndRequestMessage message;
    private readonly Dictionary<string, JsonElement> fields;

    private LndRequestBody(LndRequestMessage message, Dictionary<string, JsonElement> fields)
    {
        this.message = message;
        this.fields = fields;
    }

    /// <summary>Reads and checks the request's body against <paramref name="message"/>.</summary>
    public static async Task<LndRequestBody> ReadAsync(HttpContext context, LndRequestMessage message)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return Parse(buffer.ToArray(), message);
    }

    /// <summary>Parses <paramref name="utf8"/> as <paramref name="message"/>; throws <see cref="JsonException"/> naming the bad field.</summary>
    public static LndRequestBody Parse(ReadOnlySpan<byte> utf8, LndRequestMessage message)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (utf8.Trim(" \t\r\n"u8).IsEmpty) return new LndRequestBody(message, fields); // grpc-gateway: an empty body is the empty message.
        using var document = JsonDocument.Parse(utf8.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException($"the request body must be a JSON object ({message.Name})");
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!message.TryResolve(property.Name, out var name)) throw new JsonException($"proto: unknown field \"{property.Name}\" in {message.Name}");
            if (!fields.TryAdd(name, property.Value.Clone())) throw new JsonException($"proto: duplicate field \"{property.Name}\" in {message.Name}");
            CheckKind(name, message.Fields[name], property.Value);
        }
        return new LndRequestBody(message, fields);
    }

    /// <summary>True when the field is present with a value other than its default (protobuf's notion of "set").</summary>
    public bool IsSet(string name) => Get(name) is { } value && message.Fields[name] switch
    {
        LndFieldKind.String => value.GetString()!.Length > 0,
        LndFieldKind.Bytes => value.GetString()!.Length > 0,
        LndFieldKind.Bool => value.GetBoolean(),
        LndFieldKind.Double => Double(name) != 0,
        LndFieldKind.Repeated => value.GetArrayLength() > 0,
        LndFieldKind.Map => value.EnumerateObject().Any(),
        LndFieldKind.Message => true,
        LndFieldKind.Enum => value.ValueKind == JsonValueKind.String ? value.GetString() is not (null or "" or "0") : value.GetInt32() != 0,
        _ => Integer(name, value, long.MinValue, ulong.MaxValue) != 0,
    };

    /// <summary>A string field.</summary>
    public string String(string name) => Get(name)?.GetString() ?? "";

    /// <summary>A bytes field (standard or URL-safe base64, padded or not).</summary>
    public byte[] Bytes(string name)
    {
        var text = Get(name)?.GetString();
        try
        {
            return LndJson.DecodeBytes(text);
        }
        catch (FormatException)
        {
            throw new JsonException($"invalid value for bytes field {name}: not base64");
        }
    }

    /// <summary>An int64 field.</summary>
    public long Int64(string name) => Get(name) is { } v ? (long)Integer(name, v, long.MinValue, long.MaxValue) : 0;

    /// <summary>A uint64 field.</summary>
    public ulong UInt64(string name) => Get(name) is { } v ? (ulong)Integer(name, v, 0, ulong.MaxValue) : 0;

    /// <summary>An int32 field.</summary>
    public int Int32(string name) => Get(name) is { } v ? (int)Integer(name, v, int.MinValue, int.MaxValue) : 0;

    /// <summary>A uint32 field.</summary>
    public uint UInt32(string name) => Get(name) is { } v ? (uint)Integer(name, v, 0, uint.MaxValue) : 0;

    /// <summary>A bool field.</summary>
    public bool Bool(string name) => Get(name)?.GetBoolean() ?? false;

    /// <summary>A double field (a number, or a string such as "NaN" or "1.5").</summary>
    public double Double(string name)
    {
        if (Get(name) is not { } value) return 0;
        if (value.ValueKind == JsonValueKind.Number) return value.GetDouble();
        return value.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => throw new JsonException($"invalid value for double field {name}"),
        };
    }

    private JsonElement? Get(string name)
    {
        if (!message.Fields.ContainsKey(name)) throw new InvalidOperationException($"{message.Name} has no field {name}.");
        return fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    private static void CheckKind(string name, LndFieldKind kind, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        var ok = kind switch
        {
            LndFieldKind.String or LndFieldKind.Bytes => value.ValueKind == JsonValueKind.String,
            LndFieldKind.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            LndFieldKind.Double => value.ValueKind is JsonValueKind.Number or JsonValueKind.String,
            LndFieldKind.Enum => value.ValueKind == JsonValueKind.String || value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            LndFieldKind.Message or LndFieldKind.Map => value.ValueKind == JsonValueKind.Object,
            LndFieldKind.Repeated => value.ValueKind == JsonValueKind.Array,
            LndFieldKind.Int64 => TryInteger(value, long.MinValue, long.MaxValue, out _),
            LndFieldKind.UInt64 => TryInteger(value, 0, ulong.MaxValue, out _),
            LndFieldKind.Int32 => TryInteger(value, int.MinValue, int.MaxValue, out _),
            LndFieldKind.UInt32 => TryInteger(value, 0, uint.MaxValue, out _),
            _ => false,
        };
        if (!ok) throw new JsonException($"invalid value for {kind.ToString().ToLowerInvariant()} field {name}: {Shorten(value.GetRawText())}");
    }

    private static decimal Integer(string name, JsonElement value, decimal min, decimal max) =>
        TryInteger(value, min, max, out var result) ? result : throw new JsonException($"invalid value for integer field {name}");

    // protojson takes integers as JSON numbers or decimal strings; an exponent is fine while the value stays integral.
    private static bool TryInteger(JsonElement value, decimal min, decimal max, out decimal result)
    {
        result = 0;
        var text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString()!,
            _ => null,
        };
        if (text is null || !decimal.TryParse(text, NumberStyles.Integer | NumberStyles.AllowExponent | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)) return false;
        if (decimal.Truncate(parsed) != parsed || parsed < min || parsed > max) return false;
        result = parsed;
        return true;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
