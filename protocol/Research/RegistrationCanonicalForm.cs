using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace L402Train.Protocol.Research;

/// <summary>
/// The bytes a registration's signature covers: the document as <see cref="ProtocolJson"/> writes it, without
/// <c>signature.value</c> (the rest of <c>signature</c>, the node key and the time, is covered), with the
/// members of every object sorted by ordinal name, no whitespace, strings escaped only where JSON
/// requires (as RFC 8785's JCS), numbers as written, UTF-8. Signer and verifier both go through
/// <see cref="AgentRegistration"/>, so a member it does not know (kept in its <c>Extra</c>) is signed as written.
/// </summary>
public static class RegistrationCanonicalForm
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The canonical bytes of <paramref name="registration"/> (its signature value ignored).</summary>
    public static byte[] Bytes(AgentRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var node = JsonSerializer.SerializeToNode(registration, ProtocolJson.Options)!.AsObject();
        if (node["signature"] is JsonObject signature) signature.Remove("value");
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, node);
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
