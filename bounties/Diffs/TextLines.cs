namespace L402Train.Bounties.Diffs;

/// <summary>A text file as lines split on <c>\n</c> (a <c>\r</c> stays part of its line) plus whether it ends with a newline.</summary>
internal sealed record TextLines(IReadOnlyList<string> Lines, bool EndsWithNewline)
{
    public static TextLines Empty { get; } = new([], false);

    public static TextLines Parse(string content)
    {
        if (content.Length == 0) { return Empty; }
        var lines = content.Split('\n');
        var endsWithNewline = content[^1] == '\n';
        return new TextLines(endsWithNewline ? lines[..^1] : lines, endsWithNewline);
    }

    public override string ToString() =>
        Lines.Count == 0 ? "" : string.Join('\n', Lines) + (EndsWithNewline ? "\n" : "");
}
