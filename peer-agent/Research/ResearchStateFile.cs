using System.Text.Json;

namespace L402Train.PeerAgent.Research;

/// <summary>
/// Reads and writes <see cref="ResearchState"/>. A save writes a sibling temporary file, flushes it
/// to disk and renames it over the old one, so a crash leaves either the old state or the new one,
/// never half of each.
/// </summary>
public sealed class ResearchStateFile(string path)
{
    /// <summary>The file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The saved state, or null when there is none yet.</summary>
    public ResearchState? Load()
    {
        if (!File.Exists(Path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ResearchState>(File.ReadAllText(Path), ProtocolJson.Options)
                ?? throw new ResearchException($"{Path} holds no state; delete it to start over");
        }
        catch (JsonException e)
        {
            throw new ResearchException($"{Path} is not a research state ({e.Message}); delete it to start over", e);
        }
    }

    /// <summary>Replaces the saved state with <paramref name="state"/>.</summary>
    public async Task SaveAsync(ResearchState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
        var temporary = Path + ".tmp";
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await JsonSerializer.SerializeAsync(file, state, ProtocolJson.Options, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
    }
}
