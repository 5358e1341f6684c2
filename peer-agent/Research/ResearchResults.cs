using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.PeerAgent.Research;

/// <summary>
/// The research loop's append-only <c>results.jsonl</c>: one <see cref="ResearchResult"/> per line,
/// each written whole and flushed to disk before the call returns, so a crash loses at most the line
/// being written. PUBLISH is idempotent through <see cref="ContainsAsync"/>: a result whose line
/// already exists (the loop died after appending, before saving its state) is not written twice.
/// </summary>
public sealed class ResearchResults(string path)
{
    /// <summary>How the lines are written: compact, nulls left out.</summary>
    public static readonly JsonSerializerOptions LineJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A line missing a field the record requires is a broken line, not a result with nulls in it.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Appends one line.</summary>
    public async Task AppendAsync(ResearchResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var line = Utf8.GetBytes(JsonSerializer.Serialize(result, LineJson) + "\n");
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
        await using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough);
        await file.WriteAsync(line, cancellationToken);
        file.Flush(flushToDisk: true);
    }

    /// <summary>True when a line for <paramref name="paymentHash"/> is already written.</summary>
    public Task<bool> ContainsAsync(string paymentHash, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(Path) && Read(Path).Any(r => string.Equals(r.PaymentHash, paymentHash, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Every line of <paramref name="path"/>; a missing file has none. A line that is not a result throws <see cref="FormatException"/> naming it.</summary>
    public static IReadOnlyList<ResearchResult> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var results = new List<ResearchResult>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            try
            {
                results.Add(JsonSerializer.Deserialize<ResearchResult>(line, LineJson) ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                throw new FormatException($"{path}:{number} is not a research result: {e.Message}", e);
            }
        }
        return results;
    }
}
