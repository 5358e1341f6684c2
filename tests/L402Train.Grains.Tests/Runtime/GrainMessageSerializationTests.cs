using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Lightning;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>
/// Every type that crosses a grain interface has an Orleans-generated serializer that carries all
/// of its data: a value with every member set survives Orleans' serializer and deep copier unchanged.
/// </summary>
public sealed class GrainMessageSerializationTests
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public static TheoryData<string> MessageTypes => new(typeof(RoundState).Assembly.GetTypes()
        .Where(t => t.IsDefined(typeof(GenerateSerializerAttribute), inherit: false) && !t.IsEnum)
        .Select(t => t.FullName!));

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void A_value_with_every_member_set_survives_serialization_and_copying(string typeName)
    {
        var type = typeof(RoundState).Assembly.GetType(typeName)!;
        var value = JsonSerializer.Deserialize(Sample(type, depth: 0)!.ToJsonString(), type, GrainJson.Options)!;
        var expected = JsonSerializer.Serialize(value, type, GrainJson.Options);

        var serializer = Services.GetRequiredService<Serializer>();
        var bytes = serializer.SerializeToArray<object>(value);
        var copied = Services.GetRequiredService<DeepCopier>().Copy<object>(value);

        Assert.Equal(expected, JsonSerializer.Serialize(serializer.Deserialize<object>(bytes), type, GrainJson.Options));
        Assert.Equal(expected, JsonSerializer.Serialize(copied, type, GrainJson.Options));
    }

    [Fact]
    public void Money_and_hashes_survive_orleans_serialization_and_copying_through_their_surrogates()
    {
        var serializer = Services.GetRequiredService<Serializer>();
        var copier = Services.GetRequiredService<DeepCopier>();
        var preimage = Preimage.Random();
        var values = new object[] { new Sats(21), new MilliSats(21_001), preimage.Hash, preimage, default(PaymentHash) };

        foreach (var value in values)
        {
            Assert.Equal(value, serializer.Deserialize<object>(serializer.SerializeToArray<object>(value)));
            Assert.Equal(value, copier.Copy<object>(value));
        }
    }

    [Fact]
    public void Every_type_in_a_grain_interface_has_a_generated_serializer()
    {
        var missing = typeof(RoundState).Assembly.GetTypes()
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
            .SelectMany(i => i.GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType))
            .SelectMany(Unwrap)
            .Where(t => t.Assembly == typeof(RoundState).Assembly && !t.IsDefined(typeof(GenerateSerializerAttribute), inherit: false))
            .Distinct();

        Assert.Empty(missing);
    }

    private static IEnumerable<Type> Unwrap(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type) : type.IsArray ? Unwrap(type.GetElementType()!) : [type];

    // A JSON value of the type with every member non-default, so a member the serializer drops shows.
    private static JsonNode? Sample(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "s";
        if (type == typeof(Sats) || type == typeof(MilliSats)) return 7;
        if (type == typeof(PaymentHash) || type == typeof(Preimage)) return new string('c', 64);
        if (type == typeof(bool)) return true;
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return 7;
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return 0.5;
        if (type == typeof(DateTimeOffset)) return "2026-01-02T03:04:05+00:00";
        if (type == typeof(TimeSpan)) return "00:00:05";
        if (type == typeof(Guid)) return Guid.Parse("11111111-2222-3333-4444-555555555555").ToString();
        if (type.IsEnum) return Convert.ToInt32(Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1), System.Globalization.CultureInfo.InvariantCulture);
        if (type == typeof(byte[])) return Convert.ToBase64String([1, 2, 3]);
        if (type.IsArray) return new JsonArray(Sample(type.GetElementType()!, depth + 1));
        if (type.IsGenericType && type.GetGenericArguments().Length == 2 && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var key = type.GetGenericArguments()[0];
            return new JsonObject { [key.IsEnum ? Enum.GetNames(key)[^1] : key == typeof(string) ? "k" : "7"] = Sample(type.GetGenericArguments()[1], depth + 1) };
        }
        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
            return new JsonArray(Sample(type.GetGenericArguments()[0], depth + 1));
        var node = new JsonObject();
        if (depth > 6) return node;
        var members = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || type.GetConstructors().Any(c => c.GetParameters().Any(a => a.Name == p.Name)));
        foreach (var member in members)
            node[member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(member.Name)] = Sample(member.PropertyType, depth + 1);
        return node;
    }
}
