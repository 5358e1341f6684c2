using System.Globalization;

namespace L402Train.Bounties.Sandbox;

/// <summary>The score convention of bounty evals: the last non-empty line of stdout is a number.</summary>
public static class EvalScore
{
    /// <summary>
    /// Parses the last non-empty line of <paramref name="stdout"/> as an invariant-culture double.
    /// Returns false with a reason when there is no such line or it is not a finite number.
    /// </summary>
    public static bool TryParse(string stdout, out double score, out string error)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        score = 0;
        var lines = stdout.Split('\n');
        var last = lines.Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (last is null)
        {
            error = "stdout has no non-empty line to read the score from";
            return false;
        }
        if (!double.TryParse(last, NumberStyles.Float, CultureInfo.InvariantCulture, out score) || !double.IsFinite(score))
        {
            error = $"the last stdout line is not a finite number: \"{Shorten(last)}\"";
            score = 0;
            return false;
        }
        error = "";
        return true;
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
