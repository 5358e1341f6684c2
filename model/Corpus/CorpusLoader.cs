using System.Text;
using System.Text.Json;

namespace L402Train.Model.Corpus;

/// <summary>
/// Reads documents from plain text (documents separated by a line holding only
/// <c>&lt;|endoftext|&gt;</c>, as in the TinyStories .txt files) or from JSON Lines with a
/// <c>"text"</c> field per line (TinyStories-style JSONL).
/// </summary>
public static class CorpusLoader
{
    /// <summary>The separator line of the TinyStories text files.</summary>
    public const string EndOfTextMarker = "<|endoftext|>";

    /// <summary>Loads a file: <c>.jsonl</c>/<c>.json</c> as JSON Lines, anything else as plain text.</summary>
    public static IReadOnlyList<string> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, Encoding.UTF8);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".jsonl" or ".json" ? ReadJsonLines(reader) : ReadPlainText(reader);
    }

    /// <summary>
    /// Splits text into documents at lines equal to <paramref name="separator"/> (trimmed); a text
    /// without separators is one document. Documents are trimmed; empty ones are dropped.
    /// </summary>
    public static IReadOnlyList<string> ReadPlainText(TextReader reader, string separator = EndOfTextMarker)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var documents = new List<string>();
        var current = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at < 0)
            {
                current.Append(line).Append('\n');
                continue;
            }

            // The marker may also sit at the end of a story line; text after it starts the next document.
            current.Append(line.AsSpan(0, at));
            Flush(documents, current);
            current.Append(line.AsSpan(at + separator.Length));
        }

        Flush(documents, current);
        return documents;
    }

    /// <summary>
    /// Writes documents as plain text with a <see cref="EndOfTextMarker"/> line between them: the
    /// inverse of <see cref="ReadPlainText"/> for trimmed documents that hold no marker themselves.
    /// </summary>
    public static string WritePlainText(IEnumerable<string> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return string.Join("\n" + EndOfTextMarker + "\n", documents) + "\n";
    }

    /// <summary>Reads one JSON object per non-blank line and takes its <c>"text"</c> string.</summary>
    /// <exception cref="FormatException">A line is not a JSON object with a string <c>text</c>; the message names the line.</exception>
    public static IReadOnlyList<string> ReadJsonLines(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var documents = new List<string>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string? text;
            try
            {
                using var json = JsonDocument.Parse(line);
                text = json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty("text", out var field)
                    && field.ValueKind == JsonValueKind.String
                        ? field.GetString()
                        : null;
            }
            catch (JsonException e)
            {
                throw new FormatException($"JSONL line {number} is not valid JSON: {e.Message}", e);
            }

            if (text is null)
            {
                throw new FormatException($"JSONL line {number} has no string field \"text\".");
            }

            var trimmed = text.Trim();
            if (trimmed.Length > 0)
            {
                documents.Add(trimmed);
            }
        }

        return documents;
    }

    private static void Flush(List<string> documents, StringBuilder current)
    {
        var text = current.ToString().Trim();
        if (text.Length > 0)
        {
            documents.Add(text);
        }

        current.Clear();
    }
}
