using System.Globalization;
using System.Reflection;

namespace L402Train.Runtime;

/// <summary>
/// Maps an Orleans <see cref="GrainId"/> to the <see cref="GrainStateId"/> our rows are keyed by:
/// the <c>[GrainType]</c> name and the key as the application wrote it. Integer-keyed grain types
/// (named here) store their key as a decimal number, so rows written while they were string-keyed
/// ("7") load unchanged.
/// </summary>
internal sealed class GrainKeys
{
    private readonly HashSet<string> integerKeyed;

    /// <summary>Keys for grains whose integer-keyed types are those named.</summary>
    public GrainKeys(IEnumerable<string> integerKeyedGrainTypes) => integerKeyed = [.. integerKeyedGrainTypes];

    /// <summary>The integer-keyed grain types among the <c>[GrainType]</c> classes of <paramref name="assemblies"/>.</summary>
    public static GrainKeys Scan(params Assembly[] assemblies) => new(
        from assembly in assemblies
        from type in assembly.GetTypes()
        where typeof(IGrainWithIntegerKey).IsAssignableFrom(type) && type.IsClass && !type.IsAbstract
        from attribute in type.GetCustomAttributesData()
        where attribute.AttributeType == typeof(GrainTypeAttribute)
        select (string)attribute.ConstructorArguments[0].Value!);

    /// <summary>The row key of state <paramref name="stateName"/> of <paramref name="grainId"/>.</summary>
    public GrainStateId StateId(GrainId grainId, string stateName)
    {
        var type = grainId.Type.ToString()!;
        var key = integerKeyed.Contains(type) && grainId.TryGetIntegerKey(out var number, out _)
            ? number.ToString(CultureInfo.InvariantCulture)
            : grainId.Key.ToString()!;
        return new GrainStateId(type, key, stateName);
    }
}
