using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace L402Train.Model.Corpus;

/// <summary>One chapter of the King James Bible: its reference and its verses, one per line.</summary>
/// <param name="Reference">Book abbreviation and chapter as the <c>bible</c> program writes them, for example <c>Ge1</c> or <c>1Cor13</c>.</param>
/// <param name="Text">The chapter's verses in order, one per line, without verse references.</param>
public sealed record KjvChapter(string Reference, string Text);

/// <summary>
/// The King James Bible as a corpus, read from Debian's <c>bible-kjv</c> package: the program
/// <c>bible -f 'Gen1:1-Rev22:21'</c> prints the 31,102 verses (4.4 MB of ASCII) one per line as
/// <c>Ge1:1 In the beginning…</c>. Verses are grouped into their 1,189 chapters, the unit the
/// train/held-out split works on. Verse references are stripped: they are about 5 % of the bytes
/// and almost fully predictable from the previous line, so keeping them would flatter bits per
/// byte and teach the served model to print numbers instead of text.
/// </summary>
public static partial class KjvBible
{
    /// <summary>The Debian package that installs the <c>bible</c> program and its text.</summary>
    public const string Package = "bible-kjv";

    /// <summary>The whole book, as a range the <c>bible</c> program understands.</summary>
    public const string WholeRange = "Gen1:1-Rev22:21";

    /// <summary>Chapters in the KJV.</summary>
    public const int ChapterCount = 1189;

    private static readonly Lazy<IReadOnlyList<KjvChapter>> Installed = new(() => Load(FindProgram() ?? throw NotInstalled()));

    /// <summary>The <c>bible</c> program on <c>PATH</c>, or null when the package is not installed.</summary>
    public static string? FindProgram()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "bible");
            if (File.Exists(candidate)) return candidate;
        }

        return null;
    }

    /// <summary>True when the <c>bible</c> program is installed.</summary>
    public static bool IsInstalled => FindProgram() is not null;

    /// <summary>A one-line explanation for when the package is missing.</summary>
    public static string MissingMessage =>
        $"The KJV corpus needs the '{Package}' package (apt-get install -y {Package}), whose 'bible' program was not found on PATH.";

    /// <summary>All chapters, read once per process from the installed <c>bible</c> program.</summary>
    /// <exception cref="InvalidOperationException">The package is not installed, or the program failed.</exception>
    public static IReadOnlyList<KjvChapter> Chapters() => Installed.Value;

    /// <summary>Runs <paramref name="program"/> over the whole book and parses its output.</summary>
    /// <exception cref="InvalidOperationException">The program exits with an error or prints something else than the KJV.</exception>
    public static IReadOnlyList<KjvChapter> Load(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.ASCII,
        };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add(WholeRange);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var errors = process.StandardError.ReadToEndAsync();
        var chapters = Parse(process.StandardOutput);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} -f {WholeRange} exited with {process.ExitCode}: {errors.Result.Trim()}");
        }

        if (chapters.Count != ChapterCount)
        {
            throw new InvalidOperationException($"{program} printed {chapters.Count} chapters; the KJV has {ChapterCount}.");
        }

        return chapters;
    }

    /// <summary>Groups <c>Book1:1 text</c> lines into chapters, stripping the references.</summary>
    /// <exception cref="FormatException">A non-blank line does not start with a verse reference; the message names the line.</exception>
    public static IReadOnlyList<KjvChapter> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var chapters = new List<KjvChapter>();
        var text = new StringBuilder();
        string? current = null;
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            var match = VerseLine().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"Line {number} is not a verse ('Book1:1 text'): {line[..Math.Min(line.Length, 40)]}");
            }

            var reference = match.Groups["chapter"].Value;
            if (reference != current)
            {
                Flush(chapters, current, text);
                current = reference;
            }

            text.Append(match.Groups["text"].ValueSpan.Trim()).Append('\n');
        }

        Flush(chapters, current, text);
        return chapters;
    }

    private static void Flush(List<KjvChapter> chapters, string? reference, StringBuilder text)
    {
        if (reference is not null)
        {
            chapters.Add(new KjvChapter(reference, text.ToString().TrimEnd('\n')));
        }

        text.Clear();
    }

    private static InvalidOperationException NotInstalled() => new(MissingMessage);

    [GeneratedRegex(@"^(?<chapter>[1-3]?[A-Za-z]+[0-9]+):[0-9]+\s(?<text>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex VerseLine();
}
