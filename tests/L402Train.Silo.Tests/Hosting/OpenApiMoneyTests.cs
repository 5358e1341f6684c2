using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using L402Train.Gateway.Apis;
using L402Train.Lightning;
using L402Train.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// Money in the OpenAPI document is typed as on the wire: every property whose CLR type is
/// <see cref="Sats"/>, <see cref="MilliSats"/>, <see cref="PaymentHash"/> or <see cref="Preimage"/>,
/// reached from an operation's request body or responses, is an int64 integer from 0 or a 64-hex string.
/// </summary>
public sealed partial class OpenApiMoneyTests : IAsyncLifetime
{
    private static readonly Type[] MoneyTypes = [typeof(Sats), typeof(MilliSats), typeof(PaymentHash), typeof(Preimage)];
    private EmbeddedSilo? silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Both tracks and every HTTP role of a single silo, so every money-carrying route is in the document.
    public async ValueTask InitializeAsync() => silo = await EmbeddedSilo.StartAsync("openapi-money", cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (silo is not null) await silo.DisposeAsync();
    }

    [Fact]
    public async Task Every_money_property_of_the_openapi_document_is_an_int64_amount_or_a_64_hex_string()
    {
        using var document = JsonDocument.Parse(await silo!.Http.GetStringAsync("/openapi/v1.json", Ct));
        var walk = new MoneyWalk(document.RootElement, silo.App.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
        var paths = document.RootElement.GetProperty("paths");
        foreach (var description in silo.App.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items.SelectMany(g => g.Items))
        {
            var path = RouteConstraint().Replace("/" + description.RelativePath, "{$1}");
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(description.HttpMethod!.ToLowerInvariant(), out var operation))
                continue;
            var at = $"{description.HttpMethod} {path}";
            foreach (var response in description.SupportedResponseTypes.Where(r => r.Type is not null && r.Type != typeof(void)))
            {
                if (operation.GetProperty("responses").TryGetProperty(response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var answer)
                    && answer.TryGetProperty("content", out var content))
                    foreach (var media in content.EnumerateObject().Where(m => m.Value.TryGetProperty("schema", out _)))
                        walk.Visit(media.Value.GetProperty("schema"), response.Type!, $"{at} {response.StatusCode}");
            }
            var bodyTypes = description.ParameterDescriptions.Where(p => p.Source == BindingSource.Body).Select(p => p.Type)
                .Concat(description.ActionDescriptor.EndpointMetadata.OfType<RequestBodyMetadata>().Select(b => b.Type));
            foreach (var bodyType in bodyTypes)
            {
                if (operation.TryGetProperty("requestBody", out var body) && body.TryGetProperty("content", out var content))
                    foreach (var media in content.EnumerateObject().Where(m => m.Value.TryGetProperty("schema", out _)))
                        walk.Visit(media.Value.GetProperty("schema"), bodyType, $"{at} body");
            }
        }

        Assert.Empty(walk.Failures);
        // The round, served as-is with the API's options, is documented by its wire names, so its money is found and checked.
        Assert.Contains("GET /rounds/{n} 200.rewards_granted_sats:Sats", walk.Checked);
        Assert.Contains("GET /rounds/{n} 200.submissions[].reward_sats:Sats", walk.Checked);
    }

    [Fact]
    public async Task A_document_with_typed_money_says_int64_from_0_for_amounts_and_64_hex_digits_for_hashes()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddOpenApi(o => o.AddMoneySchemas());
        await using var app = builder.Build();
        app.MapGet("/money", () => TypedResults.Ok(new MoneyProbe(new(1), null, new(1000), default, default)));
        app.MapOpenApi();
        await app.StartAsync(Ct);

        using var document = JsonDocument.Parse(await app.GetTestClient().GetStringAsync("/openapi/v1.json", Ct));
        var walk = new MoneyWalk(document.RootElement, app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
        walk.Visit(document.RootElement.GetProperty("paths").GetProperty("/money").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema"), typeof(MoneyProbe), "GET /money 200");

        Assert.Empty(walk.Failures);
        Assert.Equal(
            ["GET /money 200.amount:Sats", "GET /money 200.fee:Sats", "GET /money 200.hash:PaymentHash", "GET /money 200.msat:MilliSats", "GET /money 200.preimage:Preimage"],
            walk.Checked.Order(StringComparer.Ordinal));
    }

    /// <summary>Each money type, one of them nullable, as a response property.</summary>
    private sealed record MoneyProbe(Sats Amount, Sats? Fee, MilliSats Msat, PaymentHash Hash, Preimage Preimage);

    [GeneratedRegex(@"\{(\w+)(?::[^}]*)?\}")]
    private static partial Regex RouteConstraint();

    /// <summary>Walks a schema and the CLR type it was generated from side by side.</summary>
    private sealed class MoneyWalk(JsonElement root, JsonSerializerOptions json)
    {
        private readonly HashSet<(string, Type)> seen = [];

        public List<string> Failures { get; } = [];

        public List<string> Checked { get; } = [];

        public void Visit(JsonElement schema, Type type, string at)
        {
            schema = Resolve(schema);
            // A nullable property is oneOf null and the type's own schema: the latter is checked.
            var alternatives = new[] { "anyOf", "oneOf" }.Where(key => schema.TryGetProperty(key, out _)).SelectMany(key => schema.GetProperty(key).EnumerateArray()).ToList();
            if (alternatives.Count > 0)
            {
                foreach (var alternative in alternatives.Where(a => !IsNullOnly(a)))
                    Visit(alternative, type, at);
                return;
            }
            var clr = Nullable.GetUnderlyingType(type) ?? type;
            if (MoneyTypes.Contains(clr))
            {
                CheckMoney(schema, clr, at);
                return;
            }
            if (!seen.Add((schema.GetRawText(), clr))) return;
            var info = json.GetTypeInfo(clr);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    foreach (var property in info.Properties)
                    {
                        // A record a route serves with the API's options is documented by the name those options write.
                        var name = HasProperty(schema, property.Name) ? property.Name : WireName(clr, property);
                        if (schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var propertySchema))
                            Visit(propertySchema, property.PropertyType, $"{at}.{name}");
                        else if (MoneyTypes.Contains(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType))
                            Failures.Add($"{at}.{property.Name}: money property missing from the schema");
                    }
                    break;
                case JsonTypeInfoKind.Enumerable when schema.TryGetProperty("items", out var items):
                    Visit(items, info.ElementType!, $"{at}[]");
                    break;
                case JsonTypeInfoKind.Dictionary when schema.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object:
                    Visit(values, info.ElementType!, $"{at}{{}}");
                    break;
            }
        }

        private void CheckMoney(JsonElement schema, Type clr, string at)
        {
            var types = schema.TryGetProperty("type", out var type)
                ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToHashSet() : [type.GetString()]
                : [];
            var wrong = clr == typeof(Sats) || clr == typeof(MilliSats)
                ? !types.Contains("integer") || types.Except(["integer", "null"]).Any() || Text(schema, "format") != "int64" || Text(schema, "minimum") != "0"
                : !types.Contains("string") || types.Except(["string", "null"]).Any() || Text(schema, "pattern") != MoneyOpenApi.HexPattern;
            if (wrong) Failures.Add($"{at} ({clr.Name}): {schema.GetRawText()}");
            else Checked.Add($"{at}:{clr.Name}");
        }

        private static bool HasProperty(JsonElement schema, string name) =>
            schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out _);

        private static string WireName(Type type, JsonPropertyInfo property) =>
            HttpJson.Options.GetTypeInfo(type).Properties
                .FirstOrDefault(p => (p.AttributeProvider as System.Reflection.MemberInfo)?.Name == (property.AttributeProvider as System.Reflection.MemberInfo)?.Name)?.Name ?? property.Name;

        private static string? Text(JsonElement schema, string name) =>
            schema.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

        private static bool IsNullOnly(JsonElement schema) =>
            schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";

        private JsonElement Resolve(JsonElement schema)
        {
            while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
            {
                var name = reference.GetString()!["#/components/schemas/".Length..];
                schema = root.GetProperty("components").GetProperty("schemas").GetProperty(name);
            }
            return schema;
        }
    }
}
