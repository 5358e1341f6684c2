using FsCheck;
using FsCheck.Fluent;
using L402Train.Bounties.Diffs;
using Xunit;

namespace L402Train.Bounties.Tests.Diffs;

public sealed class DiffRoundTripProperties
{
    private static readonly DiffPolicy AnyText = new(["**"], maxBytes: 1 << 20);

    // Few distinct lines, so edits often land next to equal lines and diffs have to choose.
    private static readonly Gen<string> Line = Gen.Elements("a", "b", "c", "", " ", "x = 1", "x = 2", "tab\there", "crlf\r", "@@ -1 +1 @@", "--- a/x", "\\ no");

    private static readonly Gen<(string Text, bool Exists)> FileText =
        from lines in Gen.ListOf(Line).Resize(25)
        from finalNewline in Gen.Elements(true, true, false)
        from exists in Gen.Elements(true, true, true, true, false)
        select (Render(lines, finalNewline), exists);

    private static readonly Gen<(int Kind, int At, string Line)> Edit =
        from kind in Gen.Choose(0, 2)
        from at in Gen.Choose(0, 40)
        from line in Line
        select (kind, at, line);

    private static readonly Gen<((string Text, bool Exists) Old, (int Kind, int At, string Line)[] Edits, bool FinalNewline, bool Delete)> Case =
        from old in FileText
        from edits in Gen.ArrayOf(Edit).Resize(6)
        from finalNewline in Gen.Elements(true, true, false)
        from delete in Gen.Elements(false, false, false, false, false, false, false, false, false, true)
        select (old, edits, finalNewline, delete);

    [Fact]
    public void Writer_parser_and_applier_round_trip_random_edits_of_a_text_file()
    {
        Prop.ForAll(Case.ToArbitrary(), c =>
        {
            var oldText = c.Old.Exists ? c.Old.Text : null;
            var newText = c.Delete && oldText is not null ? null : Edited(c.Old.Text, c.Edits, c.FinalNewline);
            var dir = Directory.CreateTempSubdirectory("l402-prop-").FullName;
            try
            {
                var path = Path.Combine(dir, "sub", "file.txt");
                if (oldText is not null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllText(path, oldText);
                }
                var diff = UnifiedDiffWriter.Write("sub/file.txt", oldText, newText);
                if (diff.Length == 0) { return oldText == newText; }

                var rejection = AnyText.CheckAndApply(diff, dir);

                return rejection is null && (newText is null ? !File.Exists(path) : File.ReadAllText(path) == newText);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_diff_does_not_apply_once_a_line_it_relies_on_has_changed()
    {
        var gen = from a in FileText from b in FileText from pick in Gen.Choose(0, 1000) select (a.Text, b.Text, pick);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (oldText, newText, pick) = t;
            var (parsed, _) = UnifiedDiffParser.Parse(UnifiedDiffWriter.Write("f.txt", oldText, newText));
            var hunk = parsed?.Files[0].Hunks.FirstOrDefault();
            var relied = hunk?.Lines.Where(l => l.Kind != HunkLineKind.Added).ToList() ?? [];
            if (hunk is null || relied.Count == 0) { return true; }
            var lines = oldText.Split('\n');
            var index = hunk.OldStart - 1 + (pick % relied.Count);
            lines[index] += "#";

            var rejection = Assert.Throws<DiffRejectedException>(() => DiffApplier.ApplyHunks(string.Join('\n', lines), parsed!.Files[0].Hunks, "f.txt"));

            return rejection.Rejection.Reason == DiffRejectionReason.DoesNotApply;
        }).QuickCheckThrowOnFailure();
    }

    private static string Render(IEnumerable<string> lines, bool finalNewline)
    {
        var list = lines.ToList();
        return list.Count == 0 ? "" : string.Join('\n', list) + (finalNewline ? "\n" : "");
    }

    private static string Edited(string text, (int Kind, int At, string Line)[] edits, bool finalNewline)
    {
        var lines = text.Length == 0 ? [] : (text.EndsWith('\n') ? text[..^1] : text).Split('\n').ToList();
        foreach (var (kind, at, line) in edits)
        {
            var i = lines.Count == 0 ? 0 : at % (lines.Count + (kind == 0 ? 1 : 0));
            switch (kind)
            {
                case 0: lines.Insert(i, line); break;
                case 1 when lines.Count > 0: lines.RemoveAt(i); break;
                case 2 when lines.Count > 0: lines[i] = line; break;
            }
        }
        return Render(lines, finalNewline);
    }
}
