using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace L402Train.Gateway.Apis;

/// <summary>
/// Documents the types a route writes with <see cref="HttpJson.Options"/> as those options write them. The
/// OpenAPI generator builds every schema from the app's default JSON options (camelCase names, enums as
/// numbers); the protocol's records name their fields explicitly, so they read the same either way, but a
/// grain record served as-is (the round, the reward schedule) does not. For the types reachable from the
/// given roots this renames each property to its <see cref="HttpJson"/> name and describes each enum as
/// the strings the API writes. The app's own JSON options stay as they are: changing them would change
/// what the routes that write with them send (problem details' extension keys, nulls, request binding).
/// </summary>
public static class HttpJsonOpenApi
{
    /// <summary>Adds the schema transformer for the types reachable from <paramref name="roots"/>.</summary>
    public static OpenApiOptions AddHttpJsonSchemas(this OpenApiOptions options, params Type[] roots)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(roots);
        var types = Reachable(roots);
        return options.AddSchemaTransformer((schema, context, _) =>
        {
            // A nullable enum is documented as oneOf null and the enum's own schema, so the enum's schema names only its values.
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (!types.Contains(type)) return Task.CompletedTask;
            if (type.IsEnum) EnumAsStrings(schema, type);
            else if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object) Rename(schema, context.JsonTypeInfo);
            return Task.CompletedTask;
        });
    }

    /// <summary>For each property of <paramref name="defaultInfo"/> (by its default-options name), the name <see cref="HttpJson.Options"/> writes.</summary>
    internal static IReadOnlyDictionary<string, string> WireNames(JsonTypeInfo defaultInfo)
    {
        ArgumentNullException.ThrowIfNull(defaultInfo);
        var wire = HttpJson.Options.GetTypeInfo(defaultInfo.Type).Properties
            .Where(p => p.AttributeProvider is MemberInfo)
            .ToDictionary(p => ((MemberInfo)p.AttributeProvider!).Name, p => p.Name, StringComparer.Ordinal);
        return defaultInfo.Properties
            .Where(p => p.AttributeProvider is MemberInfo member && wire.ContainsKey(member.Name))
            .ToDictionary(p => p.Name, p => wire[((MemberInfo)p.AttributeProvider!).Name], StringComparer.Ordinal);
    }

    private static void Rename(OpenApiSchema schema, JsonTypeInfo info)
    {
        var names = WireNames(info);
        if (schema.Properties is { Count: > 0 } properties)
        {
            // A new dictionary in the old order: the document lists properties as the record declares them.
            var renamed = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
            foreach (var (name, property) in properties)
            {
                var wire = names.GetValueOrDefault(name, name);
                // An amount these records keep as a bare long (the schedule's prices) is money on the wire all the same.
                if (wire.EndsWith("_sats", StringComparison.Ordinal) && property is OpenApiSchema amount && info.Properties.Any(p => p.Name == name && p.PropertyType == typeof(long)))
                    MoneyOpenApi.Amount(amount);
                renamed[wire] = property;
            }
            schema.Properties = renamed;
        }
        if (schema.Required is { Count: > 0 } required)
            schema.Required = new HashSet<string>(required.Select(name => names.GetValueOrDefault(name, name)), StringComparer.Ordinal);
    }

    // The names come from serializing each value with the API's options, so they are what the converter writes.
    private static void EnumAsStrings(OpenApiSchema schema, Type type)
    {
        schema.Type = JsonSchemaType.String;
        schema.Format = null;
        schema.Enum = [.. Enum.GetValues(type).Cast<object>().Select(value => JsonSerializer.SerializeToNode(value, type, HttpJson.Options)!)];
    }

    // Every object, collection element and enum type the roots lead to as HttpJson.Options sees them.
    private static HashSet<Type> Reachable(IEnumerable<Type> roots)
    {
        var found = new HashSet<Type>();
        var pending = new Stack<Type>(roots);
        while (pending.TryPop(out var next))
        {
            var type = Nullable.GetUnderlyingType(next) ?? next;
            if (!found.Add(type)) continue;
            if (type.IsEnum) continue;
            var info = HttpJson.Options.GetTypeInfo(type);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    foreach (var property in info.Properties) pending.Push(property.PropertyType);
                    break;
                case JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary:
                    pending.Push(info.ElementType!);
                    break;
            }
        }
        return found;
    }
}
