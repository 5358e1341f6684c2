using System.Security.Cryptography;
using System.Text;
using L402Train.Model.Tokenizer;

namespace L402Train.Model.Corpus;

/// <summary>
/// The KJV split by chapter with a secret key (<see cref="SecretSplit"/>): the training side is
/// what a coordinator serves to peers, the held-out side is what its validators score on and is
/// never served. Both sides keep the book order.
/// </summary>
public sealed class KjvSplit
{
    private KjvSplit(IReadOnlyList<KjvChapter> train, IReadOnlyList<KjvChapter> heldOut)
    {
        Train = train;
        HeldOut = heldOut;
        TrainingText = CorpusLoader.WritePlainText(train.Select(c => c.Text));
        TrainingTextSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TrainingText)));
    }

    /// <summary>Chapters peers train on.</summary>
    public IReadOnlyList<KjvChapter> Train { get; }

    /// <summary>Chapters only the validators see.</summary>
    public IReadOnlyList<KjvChapter> HeldOut { get; }

    /// <summary>
    /// The training chapters as served: plain text with a <see cref="CorpusLoader.EndOfTextMarker"/>
    /// line between chapters, which <see cref="CorpusLoader.ReadPlainText"/> reads back into the same documents.
    /// </summary>
    public string TrainingText { get; }

    /// <summary>SHA-256 of <see cref="TrainingText"/> (UTF-8), lower-case hex: what a peer checks a download against.</summary>
    public string TrainingTextSha256 { get; }

    /// <summary>Splits <paramref name="chapters"/> with the key derived from <paramref name="secretSeed"/>.</summary>
    public static KjvSplit Create(IReadOnlyList<KjvChapter> chapters, ulong secretSeed, double heldOutFraction = TextCorpus.DefaultHeldOutFraction)
    {
        ArgumentNullException.ThrowIfNull(chapters);
        var key = SecretSplit.KeyFromSeed(secretSeed);
        var train = new List<KjvChapter>();
        var heldOut = new List<KjvChapter>();
        foreach (var chapter in chapters)
        {
            (SecretSplit.IsHeldOut(chapter.Reference, key, heldOutFraction) ? heldOut : train).Add(chapter);
        }

        return new KjvSplit(train, heldOut);
    }

    /// <summary>Both sides as token streams (one document per chapter).</summary>
    public TextCorpus ToCorpus(ITokenizer? tokenizer = null) =>
        TextCorpus.FromSides(Train.Select(c => c.Text), HeldOut.Select(c => c.Text), tokenizer);
}
