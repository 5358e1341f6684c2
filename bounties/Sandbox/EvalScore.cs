using System.Globalization;
using System.Text.Json;

namespace L402Train.Bounties.Sandbox;

/// <summary>
/// The score convention of bounty evals: the last non-empty line of stdout is either a number, or a
/// JSON metrics object <c>{"score": 0.91, "canary_correct": 3, "canary_total": 4}</c>: <c>score</c>
/// is the score; the optional <c>canary_correct</c>/<c>canary_total</c> (whole numbers, together)
/// report how many of the set's canary items the eval got right (see <see cref="CanaryCount"/>).
/// Any other key is ignored.
/// </summary>
internal static class EvalScore
{
    /// <summary>The metrics key of the score.</summary>
    public const string ScoreKey = "score";

    /// <summary>The metrics key of the number of canary items answered right.</summary>
    public const string CanaryCorrectKey = "canary_correct";

    /// <summary>The metrics key of the number of canary items in the set.</summary>
    public const string CanaryTotalKey = "canary_total";

    /// <summary>
    /// Parses the last non-empty line of <paramref name="stdout"/> as an invariant-culture double.
    /// Returns false with a reason when there is no such line or it is not a finite number.
    /// </summary>
    public static bool TryParse(string stdout, out double score, out string error) => TryParse(stdout, out score, out _, out error);

    /// <summary>
    /// Parses the last non-empty line of <paramref name="stdout"/>: a finite number, or a metrics object
    /// with a finite <c>score</c> and, optionally, the canary counts. Returns false with a reason otherwise.
    /// </summary>
    public static bool TryParse(string stdout, out double score, out CanaryCount? canaries, out string error)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        score = 0;
        canaries = null;
        var lines = stdout.Split('\n');
        var last = lines.Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (last is null)
        {
            error = "stdout has no non-empty line to read the score from";
            return false;
        }
        if (last.StartsWith('{')) return TryParseMetrics(last, out score, out canaries, out error);
        if (!double.TryParse(last, NumberStyles.Float, CultureInfo.InvariantCulture, out score) || !double.IsFinite(score))
        {
            error = $"the last stdout line is not a finite number: \"{Shorten(last)}\"";
            score = 0;
            return false;
        }
        error = "";
        return true;
    }

    private static bool TryParseMetrics(string line, out double score, out CanaryCount? canaries, out string error)
    {
        score = 0;
        canaries = null;
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"the last stdout line is not a metrics object: \"{Shorten(line)}\"";
                return false;
            }
            if (!root.TryGetProperty(ScoreKey, out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetDouble(out score) || !double.IsFinite(score))
            {
                error = $"the metrics object on the last stdout line has no finite \"{ScoreKey}\": \"{Shorten(line)}\"";
                score = 0;
                return false;
            }
            var hasCorrect = root.TryGetProperty(CanaryCorrectKey, out var correct);
            var hasTotal = root.TryGetProperty(CanaryTotalKey, out var total);
            if (hasCorrect || hasTotal)
            {
                if (!hasCorrect || !hasTotal || !correct.TryGetInt32(out var c) || !total.TryGetInt32(out var t) || t < 0 || c < 0 || c > t)
                {
                    error = $"\"{CanaryCorrectKey}\" and \"{CanaryTotalKey}\" go together, as whole numbers with 0 ≤ correct ≤ total: \"{Shorten(line)}\"";
                    score = 0;
                    return false;
                }
                canaries = new CanaryCount(c, t);
            }
            error = "";
            return true;
        }
        catch (JsonException)
        {
            error = $"the last stdout line is neither a number nor a JSON metrics object: \"{Shorten(line)}\"";
            return false;
        }
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}

/// <summary>
/// How an eval run did on its set's canary items: known-answer inputs whose public answers differ from
/// their held-out counterparts', so only a submission that memorised the public answers gets the
/// public ones right and the held-out ones wrong.
/// </summary>
/// <param name="Correct">Canary items answered right.</param>
/// <param name="Total">Canary items in the set.</param>
public sealed record CanaryCount(int Correct, int Total);
