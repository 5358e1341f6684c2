using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using L402Train.Bounties.Shipped;

namespace L402Train.PeerAgent.Bounties;

/// <summary>
/// The terms a sponsor writes in <c>bounty.json</c> (snake_case, as <c>POST /bounties</c> names them).
/// The deadline is either <c>deadline</c> (ISO 8601) or <c>duration_hours</c> from now.
/// </summary>
public sealed record SponsorTerms(
    string? Title, string? Description, string? Metric, string? Direction, string? EvalCommand, IReadOnlyList<string>? TargetGlobs,
    IReadOnlyList<string>? ForbiddenPatterns, long? TotalSats, DateTimeOffset? Deadline, double? DurationHours, double? RateSatsPerUnit,
    double? MinImprovement, long? MaxDiffBytes, int? EvalTimeoutS, int? EvalMemoryMb, int? Repeats);

/// <summary>A sponsor's folder made ready for <c>POST /bounties</c>: the request and the size of each archive.</summary>
public sealed record PackedBounty(CreateBountyRequest Request, int BaselineFiles, long BaselineBytes, int HeldOutFiles, long HeldOutBytes);

/// <summary>A wrong or missing part of a sponsor's folder, named with the fix.</summary>
public sealed class SponsorFolderException(string message) : Exception(message);

/// <summary>
/// A sponsor's bounty on disk, the layout the coordinator's archives come from:
/// <c>bounty.json</c> (the terms), <c>baseline/</c> (the tree agents improve, with the public
/// evaluation set under <c>baseline/public/</c>) and <c>heldout/</c> (the held-out set, which
/// only the coordinator sees until the bounty closes). Archives are packed deterministically
/// (sorted names, fixed times and modes), so the published held-out SHA-256 depends only on the files.
/// </summary>
public static class SponsorFolder
{
    /// <summary>The terms file.</summary>
    public const string TermsFile = "bounty.json";

    /// <summary>The baseline tree.</summary>
    public const string BaselineFolder = "baseline";

    /// <summary>The held-out set.</summary>
    public const string HeldOutFolder = "heldout";

    private static readonly DateTimeOffset FixedTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Reads and packs <paramref name="directory"/>; <paramref name="now"/> turns <c>duration_hours</c> into a deadline.</summary>
    public static PackedBounty Pack(string directory, DateTimeOffset now)
    {
        var root = Path.GetFullPath(directory);
        var termsPath = Path.Combine(root, TermsFile);
        if (!File.Exists(termsPath)) throw new SponsorFolderException($"{termsPath} is missing: write the terms there (start from 'peer-agent bounty example <dir>')");
        SponsorTerms terms;
        try
        {
            terms = JsonSerializer.Deserialize<SponsorTerms>(File.ReadAllText(termsPath), BountyClient.Json)
                ?? throw new SponsorFolderException($"{termsPath} holds null; write the terms as a JSON object");
        }
        catch (JsonException ex)
        {
            throw new SponsorFolderException($"{termsPath} is not valid JSON for the terms: {ex.Message}");
        }
        var baseline = Path.Combine(root, BaselineFolder);
        var heldOut = Path.Combine(root, HeldOutFolder);
        if (!Directory.Exists(Path.Combine(baseline, ShippedBounty.PublicDirectory)))
            throw new SponsorFolderException($"{baseline}/{ShippedBounty.PublicDirectory}/ is missing: the baseline tree holds the public evaluation set there");
        if (!Directory.Exists(heldOut)) throw new SponsorFolderException($"{heldOut}/ is missing: put the held-out evaluation set there");

        var (baselineArchive, baselineFiles) = Archive(baseline);
        var (heldOutArchive, heldOutFiles) = Archive(heldOut);
        var deadline = terms.Deadline
            ?? (terms.DurationHours is { } hours && double.IsFinite(hours) && hours > 0 && hours <= 24 * 3650 ? now.AddHours(hours)
                : throw new SponsorFolderException($"{TermsFile}: set \"deadline\" (ISO 8601 UTC) or \"duration_hours\" (a positive number)"));
        var request = new CreateBountyRequest
        {
            Title = Required(terms.Title, "title"), Description = terms.Description ?? "", Metric = Required(terms.Metric, "metric"), Direction = terms.Direction ?? "maximize",
            EvalCommand = Required(terms.EvalCommand, "eval_command"), TargetFiles = terms.TargetGlobs is { Count: > 0 } globs ? globs : throw Missing("target_globs"),
            BaselineTarball = Convert.ToBase64String(baselineArchive), HeldOutTarball = Convert.ToBase64String(heldOutArchive),
            TotalSats = terms.TotalSats ?? throw Missing("total_sats"), Deadline = deadline,
            RateSatsPerUnit = terms.RateSatsPerUnit is { } rate ? (long)rate : throw Missing("rate_sats_per_unit"), MinImprovement = terms.MinImprovement ?? 0, MaxDiffBytes = terms.MaxDiffBytes ?? 20_000,
            ForbiddenPatterns = terms.ForbiddenPatterns ?? [], EvalTimeoutS = terms.EvalTimeoutS ?? 60, EvalMemoryMb = terms.EvalMemoryMb ?? 256, Repeats = terms.Repeats ?? 1,
        };
        return new PackedBounty(request, baselineFiles, baselineArchive.Length, heldOutFiles, heldOutArchive.Length);
    }

    /// <summary>
    /// Writes the shipped spam-filter bounty as a sponsor folder to start from: the public set from
    /// <paramref name="seed"/>, the held-out set from the sponsor's own randomness (or from
    /// <paramref name="heldOutSeed"/>, a seed only the sponsor knows) so that nobody can regenerate it.
    /// </summary>
    public static void WriteExample(string directory, int seed = 42, int? heldOutSeed = null)
    {
        var root = Path.GetFullPath(directory);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new SponsorFolderException($"{root} is not empty; name a new folder");
        // The held-out set of Generate(seed) is one seed away from the public set: a paying bounty cannot use it.
        var generated = heldOutSeed is { } secret
            ? SecretHeldOut.Redraw(ShippedBounty.Generate(seed, 400, 400), 400, secret)
            : SecretHeldOut.Redraw(ShippedBounty.Generate(seed, 400, 400), 400);
        ShippedBounty.WriteTo(generated, root);
        var task = ShippedBounty.Task;
        var terms = new SponsorTerms(task.Title, task.Description, task.Metric, "maximize", task.EvalCommand, task.TargetGlobs, ["curl", "wget"],
            TotalSats: 20_000, Deadline: null, DurationHours: 24, RateSatsPerUnit: 100_000, MinImprovement: 0.01, MaxDiffBytes: task.MaxDiffBytes,
            EvalTimeoutS: 30, EvalMemoryMb: 256, Repeats: 1);
        File.WriteAllText(Path.Combine(root, TermsFile), JsonSerializer.Serialize(terms, new JsonSerializerOptions(BountyClient.Json) { WriteIndented = true }) + "\n");
    }

    // Regular files only: a link in a baseline would be refused by the coordinator anyway, so say which one here.
    private static (byte[] Archive, int Files) Archive(string folder)
    {
        var files = Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(p => new FileInfo(p))
            .Where(f => f.LinkTarget is not null || !f.Attributes.HasFlag(FileAttributes.Directory))
            .OrderBy(f => f.FullName, StringComparer.Ordinal)
            .ToList();
        if (files.FirstOrDefault(f => f.LinkTarget is not null) is { } link)
            throw new SponsorFolderException($"{link.FullName} is a symbolic link; bounty archives hold plain files only, so copy the file in its place");
        if (files.Count == 0) throw new SponsorFolderException($"{folder}/ holds no files");
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        // Ustar, like the coordinator's own archives: no access or change times, so packing twice gives the same bytes.
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var name = Path.GetRelativePath(folder, file.FullName).Replace('\\', '/');
                if (System.Text.Encoding.UTF8.GetByteCount(name) > 255) throw new SponsorFolderException($"{file.FullName}: the path inside {folder}/ is longer than 255 bytes; shorten it");
                var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = file.OpenRead(),
                    ModificationTime = FixedTime,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                };
                try
                {
                    tar.WriteEntry(entry);
                }
                catch (ArgumentException)
                {
                    throw new SponsorFolderException($"{file.FullName}: a tar (ustar) name holds at most 100 bytes after its last folder; shorten the file name");
                }
                finally
                {
                    entry.DataStream.Dispose();
                }
            }
        }
        return (output.ToArray(), files.Count);
    }

    private static string Required(string? value, string field) => string.IsNullOrWhiteSpace(value) ? throw Missing(field) : value;

    private static SponsorFolderException Missing(string field) => new($"{TermsFile}: \"{field}\" is required");
}
