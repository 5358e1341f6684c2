using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace L402Train.Silo.Tests.Deploy;

/// <summary>
/// YAML read as JSON nodes, typed as YAML 1.2's core schema types plain scalars (what Helm, Kubernetes
/// and Compose do), with merge keys (<c>&lt;&lt;: *anchor</c>) applied as Compose applies them.
/// </summary>
internal static partial class YamlJson
{
    /// <summary>Every document of <paramref name="yaml"/> (a syntax error throws YamlDotNet's exception, naming line and column).</summary>
    public static List<JsonNode?> LoadAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => Convert(d.RootNode))];
    }

    /// <summary>The single document of <paramref name="yaml"/>.</summary>
    public static JsonNode Load(string yaml) => LoadAll(yaml).Single() ?? throw new InvalidDataException("empty YAML document");

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlScalarNode scalar => Scalar(scalar),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlMappingNode mapping => Mapping(mapping),
        _ => throw new InvalidDataException($"unsupported YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonObject Mapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        var merged = new List<JsonObject>();
        foreach (var (key, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            if (name == "<<" && key is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain })
            {
                // Keys of the mapping itself win over merged ones; of several merged mappings, the first wins.
                merged.AddRange(value is YamlSequenceNode many ? many.Children.Select(c => (JsonObject)Convert(c)!) : [(JsonObject)Convert(value)!]);
                continue;
            }
            if (result.ContainsKey(name)) throw new InvalidDataException($"duplicate key '{name}' at {key.Start}");
            result[name] = Convert(value);
        }
        foreach (var source in merged)
        {
            foreach (var (name, value) in source)
                if (!result.ContainsKey(name)) result[name] = value?.DeepClone();
        }
        return result;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain) return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (Integer().IsMatch(text)) return JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture));
        if (Octal().IsMatch(text)) return JsonValue.Create(System.Convert.ToInt64(text[2..], 8));
        if (Float().IsMatch(text)) return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^0o[0-7]+$")]
    private static partial Regex Octal();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
