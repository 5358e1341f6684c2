using System.Text;
using L402Train.Bounties.Improvers;

namespace L402Train.Bounties.Shipped;

/// <summary>What a sponsor states about a bounty's task (the parts of <c>POST /bounties</c> that describe the eval).</summary>
/// <param name="Title">Short title.</param>
/// <param name="Description">What to improve and how it is scored.</param>
/// <param name="Metric">Name of the score the eval prints.</param>
/// <param name="Direction">Whether higher or lower scores are better.</param>
/// <param name="EvalCommand">The command run in the working copy; its last stdout line is the score.</param>
/// <param name="TargetGlobs">The files a submission may change.</param>
/// <param name="ForbiddenPatterns">Patterns no added line may match.</param>
/// <param name="MaxDiffBytes">Largest diff accepted.</param>
public sealed record BountyTask(
    string Title,
    string Description,
    string Metric,
    MetricDirection Direction,
    string EvalCommand,
    IReadOnlyList<string> TargetGlobs,
    IReadOnlyList<string> ForbiddenPatterns,
    long MaxDiffBytes);

/// <summary>The files of a generated bounty: the baseline tree, the public set and the held-out set (relative path → text).</summary>
/// <param name="Seed">The seed everything was generated from.</param>
/// <param name="Baseline">The baseline tree.</param>
/// <param name="PublicSet">The public evaluation set (served with the baseline).</param>
/// <param name="HeldOutSet">The held-out evaluation set (kept by the coordinator until the bounty closes).</param>
public sealed record GeneratedBounty(
    int Seed,
    IReadOnlyDictionary<string, string> Baseline,
    IReadOnlyDictionary<string, string> PublicSet,
    IReadOnlyDictionary<string, string> HeldOutSet)
{
    /// <summary>
    /// A fresh held-out slice of the same kind, never used in validation: the temporal holdback's
    /// re-evaluation scores on it (empty for a bounty generated without one).
    /// </summary>
    public IReadOnlyDictionary<string, string> HoldbackSet { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The bounty shipped with the project: tune a small awk spam filter by editing
/// <c>classifier.conf</c> (weights, threshold, options). The data are generated from a seed, so
/// the demo and the tests need no download, and every run with the same seed is byte-identical.
/// </summary>
public static class ShippedBounty
{
    /// <summary>The file a submission may change.</summary>
    public const string ConfigPath = "classifier.conf";

    /// <summary>The data file inside each evaluation set.</summary>
    public const string MessagesFile = "messages.tsv";

    /// <summary>Where the public set lies inside the baseline archive (eval.sh's default data directory).</summary>
    public const string PublicDirectory = "public";

    /// <summary>The eval command of a noisy variant: each run scores a fresh random 70% of the set (for repeats and significance).</summary>
    public const string NoisyEvalCommand = "sh eval.sh noisy";

    /// <summary>The task as a sponsor would post it.</summary>
    public static BountyTask Task { get; } = new(
        Title: "Spam filter accuracy",
        Description: "Raise the accuracy of classify.awk on labelled messages by changing classifier.conf only; scored on a held-out set.",
        Metric: "accuracy",
        Direction: MetricDirection.Maximize,
        EvalCommand: "sh eval.sh",
        TargetGlobs: [ConfigPath],
        ForbiddenPatterns: [],
        MaxDiffBytes: 64 * 1024);

    /// <summary>The file of each set naming its canary items (one message text a line).</summary>
    public const string CanariesFile = "canaries.txt";

    /// <summary>How many canary items each set holds.</summary>
    public const int CanaryCount = 8;

    /// <summary>
    /// Generates the baseline, the public and held-out sets and a holdback slice; each comes from its own
    /// stream of the seed. Every set ends with the same <see cref="CanaryCount"/> canary messages (listed in
    /// <see cref="CanariesFile"/>): labelled as their content was drawn in the held-out set and the holdback
    /// slice, and the other way round in the public set, so a classifier gets the public canaries right only
    /// by memorising their public answers, which then fail on the held-out counterparts.
    /// </summary>
    public static GeneratedBounty Generate(int seed, int publicCount = 400, int heldOutCount = 400)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(publicCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heldOutCount);
        var baseline = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["README.md"] = SpamFilterFiles.Readme,
            [ConfigPath] = SpamFilterFiles.BaselineConfig,
            ["classify.awk"] = SpamFilterFiles.ClassifyAwk,
            ["eval.sh"] = SpamFilterFiles.EvalScript,
        };
        var canaries = new SpamMessageGenerator(StreamSeed(seed, 3)).Labelled(CanaryCount);
        var list = string.Concat(canaries.Select(c => c.Text + "\n"));
        string WithCanaries(string messages, bool flipped) =>
            messages + string.Concat(canaries.Select(c => ((c.Spam ^ flipped) ? "spam" : "ham") + "\t" + c.Text + "\n"));
        var publicSet = new Dictionary<string, string>
        {
            [MessagesFile] = WithCanaries(new SpamMessageGenerator(StreamSeed(seed, 1)).Messages(publicCount), flipped: true),
            [CanariesFile] = list,
        };
        var heldOut = new Dictionary<string, string>
        {
            [MessagesFile] = WithCanaries(new SpamMessageGenerator(StreamSeed(seed, 2)).Messages(heldOutCount), flipped: false),
            [CanariesFile] = list,
        };
        var holdback = new Dictionary<string, string>
        {
            [MessagesFile] = WithCanaries(new SpamMessageGenerator(StreamSeed(seed, 4)).Messages(heldOutCount), flipped: false),
            [CanariesFile] = list,
        };
        return new GeneratedBounty(seed, baseline, publicSet, heldOut) { HoldbackSet = holdback };
    }

    /// <summary>
    /// Writes <c>baseline/</c> (with the public set under <c>baseline/public/</c>, as the baseline
    /// archive holds it) and <c>heldout/</c> under <paramref name="directory"/>.
    /// </summary>
    public static (string Baseline, string HeldOut) WriteTo(GeneratedBounty bounty, string directory)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        var baseline = Path.Combine(directory, "baseline");
        var heldOut = Path.Combine(directory, "heldout");
        BountyArchive.WriteFiles(baseline, BaselineWithPublic(bounty));
        BountyArchive.WriteFiles(heldOut, bounty.HeldOutSet);
        return (baseline, heldOut);
    }

    /// <summary>The tar.gz a paying agent downloads: the baseline tree plus the public set under <c>public/</c>.</summary>
    public static byte[] BaselineArchive(GeneratedBounty bounty) => BountyArchive.Create(BaselineWithPublic(bounty));

    /// <summary>The tar.gz of the held-out set, kept apart and revealed at close.</summary>
    public static byte[] HeldOutArchive(GeneratedBounty bounty)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        return BountyArchive.Create(bounty.HeldOutSet);
    }

    /// <summary>The tar.gz of the holdback slice (the temporal holdback's fresh held-out set).</summary>
    public static byte[] HoldbackArchive(GeneratedBounty bounty)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        return BountyArchive.Create(bounty.HoldbackSet);
    }

    /// <summary>
    /// A gaming edit for tests and the demo: lists every public message's reference code as a
    /// spam or ham phrase, which makes the public score perfect and leaves held-out untouched.
    /// </summary>
    public static string HardCodePublicAnswers(string config, string publicMessages)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(publicMessages);
        var sb = new StringBuilder(config);
        foreach (var line in publicMessages.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var code = line.Split(' ', '\t').First(w => w.StartsWith("ref-", StringComparison.Ordinal));
            sb.Append(line[..tab] == "spam" ? "spam_phrase = " : "ham_phrase = ").Append(code).Append('\n');
        }
        return sb.ToString();
    }

    private static Dictionary<string, string> BaselineWithPublic(GeneratedBounty bounty)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        var files = new Dictionary<string, string>(bounty.Baseline);
        foreach (var (path, text) in bounty.PublicSet) { files[PublicDirectory + "/" + path] = text; }
        return files;
    }

    // Fixed arithmetic, not HashCode (randomised per process): the same seed must give the same sets everywhere.
    private static int StreamSeed(int seed, int stream) => unchecked((seed * 1_000_003) + (stream * 7919));
}
