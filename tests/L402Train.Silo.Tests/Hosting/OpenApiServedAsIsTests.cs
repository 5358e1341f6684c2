using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using L402Train.Gateway.Apis;
using L402Train.Grains.Training;
using L402Train.Lightning;
using L402Train.Testing;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// <c>GET /rounds/{n}</c> and <c>GET /reward-schedule</c> serve grain records as-is with the API's JSON options
/// (snake_case, <c>_sats</c>, enums as strings): their documented 200 schema names and types what they write.
/// </summary>
public sealed class OpenApiServedAsIsTests : IAsyncLifetime
{
    private EmbeddedSilo? silo;
    private JsonDocument? document;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        silo = await EmbeddedSilo.StartAsync("openapi-as-is", cancellationToken: Ct);
        document = JsonDocument.Parse(await silo.Http.GetStringAsync("/openapi/v1.json", Ct));
    }

    public async ValueTask DisposeAsync()
    {
        document?.Dispose();
        if (silo is not null) await silo.DisposeAsync();
    }

    [Theory]
    [InlineData("/rounds/1", "/rounds/{n}")]
    [InlineData("/reward-schedule", "/reward-schedule")]
    public async Task Every_property_the_route_writes_is_in_its_documented_200_schema_with_its_type(string url, string path)
    {
        using var written = JsonDocument.Parse(await silo!.Http.GetStringAsync(url, Ct));
        var failures = new List<string>();

        Match(written.RootElement, Schema200(path), $"GET {url}", failures);

        Assert.Empty(failures);
        // The walk saw the route's own fields, money among them (a schema with camelCase names would have failed above).
        Assert.True(written.RootElement.EnumerateObject().Count() >= 5, written.RootElement.GetRawText());
    }

    [Theory]
    [InlineData("/rounds/{n}", typeof(RoundState))]
    [InlineData("/reward-schedule", typeof(RewardSchedule))]
    public void Every_property_the_api_options_would_write_is_documented_nested_records_and_enums_included(string path, Type type)
    {
        var failures = new List<string>();
        var visited = new HashSet<Type>();

        Cover(Schema200(path), type, $"GET {path}", failures, visited);

        Assert.Empty(failures);
        if (type == typeof(RoundState))
            Assert.Superset(new HashSet<Type> { typeof(RoundEntry), typeof(RoundThreshold), typeof(RoundStatus), typeof(VerdictReason) }, visited);
    }

    private JsonElement Schema200(string path)
    {
        var operation = document!.RootElement.GetProperty("paths").GetProperty(path).GetProperty("get");
        Assert.True(operation.GetProperty("responses").TryGetProperty("200", out var ok), $"GET {path} documents no 200 response");
        return ok.GetProperty("content").GetProperty("application/json").GetProperty("schema");
    }

    // The value the route wrote against its schema: every property named in the schema, every value of a type the schema allows.
    private void Match(JsonElement value, JsonElement schema, string at, List<string> failures)
    {
        schema = Resolve(schema);
        var alternatives = Alternatives(schema);
        if (alternatives.Count > 0)
        {
            var tries = alternatives.Select(alternative => { var inner = new List<string>(); Match(value, alternative, at, inner); return inner; }).ToList();
            if (tries.All(t => t.Count > 0)) failures.AddRange(tries.OrderBy(t => t.Count).First());
            return;
        }
        var types = Types(schema);
        var kind = value.ValueKind switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        };
        if (types.Count > 0 && !types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
            failures.Add($"{at}: wrote {kind} {value.GetRawText()}, documented {string.Join("|", types)}");
        // Money is an integer on the wire and in the document.
        if (at.EndsWith("_sats", StringComparison.Ordinal) && (kind != "integer" || types is not ["integer"] || Text(schema, "minimum") != "0"))
            failures.Add($"{at}: an amount documented as {string.Join("|", types)}, written {value.GetRawText()}");
        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => JsonElement.DeepEquals(v, value)))
            failures.Add($"{at}: wrote {value.GetRawText()}, not among the documented {values.GetRawText()}");
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(property.Name, out var propertySchema))
                        Match(property.Value, propertySchema, $"{at}.{property.Name}", failures);
                    else
                        failures.Add($"{at}.{property.Name}: written, not in the schema");
                }
                break;
            case JsonValueKind.Array when schema.TryGetProperty("items", out var items):
                foreach (var (item, i) in value.EnumerateArray().Select((item, i) => (item, i)))
                    Match(item, items, $"{at}[{i}]", failures);
                break;
        }
    }

    // The CLR type as the API's options write it against its schema, for the parts a fresh round leaves out (its submissions, its τ).
    private void Cover(JsonElement schema, Type type, string at, List<string> failures, HashSet<Type> visited)
    {
        schema = Resolve(schema);
        var alternatives = Alternatives(schema);
        if (alternatives.Count > 0)
        {
            foreach (var alternative in alternatives.Where(a => Types(Resolve(a)) is not ["null"]))
                Cover(alternative, type, at, failures, visited);
            return;
        }
        var clr = Nullable.GetUnderlyingType(type) ?? type;
        if (clr.IsEnum)
        {
            visited.Add(clr);
            var names = Enum.GetValues(clr).Cast<object>().Select(v => JsonSerializer.Serialize(v, clr, HttpJson.Options).Trim('"')).ToHashSet(StringComparer.Ordinal);
            var documented = schema.TryGetProperty("enum", out var values) ? values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToHashSet(StringComparer.Ordinal) : [];
            if (!Types(schema).Contains("string") || !documented.SetEquals(names))
                failures.Add($"{at} ({clr.Name}): documented {schema.GetRawText()}, written as one of {string.Join(", ", names.Order(StringComparer.Ordinal))}");
            return;
        }
        if (clr == typeof(Sats) || clr == typeof(MilliSats) || clr == typeof(PaymentHash) || clr == typeof(Preimage) || !visited.Add(clr)) return;
        var info = HttpJson.Options.GetTypeInfo(clr);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var property in info.Properties)
                {
                    if (schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(property.Name, out var propertySchema))
                        Cover(propertySchema, property.PropertyType, $"{at}.{property.Name}", failures, visited);
                    else
                        failures.Add($"{at}.{property.Name}: written, not in the schema");
                }
                break;
            case JsonTypeInfoKind.Enumerable when schema.TryGetProperty("items", out var items):
                Cover(items, info.ElementType!, $"{at}[]", failures, visited);
                break;
        }
    }

    private static List<JsonElement> Alternatives(JsonElement schema) =>
        [.. new[] { "anyOf", "oneOf" }.Where(key => schema.TryGetProperty(key, out _)).SelectMany(key => schema.GetProperty(key).EnumerateArray())];

    private static List<string> Types(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)]
        : [type.GetString()!];

    private static string? Text(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/schemas/".Length..];
            schema = document!.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }
        return schema;
    }
}
