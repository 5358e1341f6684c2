using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace L402Train.PeerAgent.Research;

/// <summary>Where the climb stands: which parameter it moves next and which way (+1 up, -1 down).</summary>
/// <param name="Parameter">Index into <see cref="HillClimb.Parameters"/> of the best config.</param>
/// <param name="Direction">+1 multiplies by the step factor, -1 divides by it.</param>
public sealed record ClimbPosition(int Parameter = 0, int Direction = 1);

/// <summary>A proposed variation: the config to run, what changed, and the position it was made at.</summary>
public sealed record ClimbProposal(JsonObject Config, string Move, ClimbPosition At);

/// <summary>
/// THINK without a model: a coordinate hill climb over the numeric fields of a config. Each move
/// multiplies one field by its step (x1.5 for a real number such as a learning rate, x2 for an
/// integer such as steps or width) or divides by it; a move is accepted when the run's
/// <c>val_bpb</c> beats the best. After an accepted move the climb tries the same move again
/// (momentum); after a rejected one it tries the other direction, then the next field. Moves that
/// change nothing or lead to a config already run are skipped; when every neighbour of the best has
/// run, the climb is at a local optimum and proposes nothing. Pure: the position lives in the
/// loop's state file.
/// </summary>
public static class HillClimb
{
    /// <summary>Fields tried first when present, in this order: the ones that move val_bpb most on a small budget.</summary>
    public static readonly IReadOnlyList<string> Preferred = ["learning_rate", "steps", "channels", "layers", "batch_size", "sequence_length", "weight_decay", "warmup_steps"];

    /// <summary>Fields never moved: they name the run or the measure (eval batches) rather than shape it, or are rarely worth a paid run (the betas).</summary>
    public static readonly IReadOnlySet<string> Fixed = new HashSet<string>(StringComparer.Ordinal) { "seed", "data_seed", "heads", "vocab_size", "eval_batches", "beta1", "beta2" };

    /// <summary>The step for real numbers.</summary>
    public const double RealFactor = 1.5;

    /// <summary>The step for integers.</summary>
    public const int IntegerFactor = 2;

    /// <summary>The fields the climb moves, in order: the preferred ones present, then the other numeric ones by name.</summary>
    public static IReadOnlyList<string> Parameters(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var numeric = config.Where(p => p.Value is JsonValue v && IsNumber(v) && !Fixed.Contains(p.Key)).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        return [.. Preferred.Where(numeric.Contains), .. numeric.Except(Preferred).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The next variation of <paramref name="best"/> from <paramref name="at"/>, skipping moves whose
    /// config hash is in <paramref name="tried"/>; null at a local optimum (or with no numeric field).
    /// </summary>
    public static ClimbProposal? Propose(JsonObject best, ClimbPosition at, Func<JsonObject, bool> tried)
    {
        ArgumentNullException.ThrowIfNull(best);
        ArgumentNullException.ThrowIfNull(at);
        ArgumentNullException.ThrowIfNull(tried);
        var parameters = Parameters(best);
        if (parameters.Count == 0) return null;
        var position = Normalize(at, parameters.Count);
        for (var i = 0; i < 2 * parameters.Count; i++)
        {
            var name = parameters[position.Parameter];
            if (Move((JsonValue)best[name]!, position.Direction) is { } moved)
            {
                var config = (JsonObject)best.DeepClone();
                config[name] = moved.Value;
                if (!tried(config)) return new ClimbProposal(config, $"{name} {moved.Label}", position);
            }
            position = Next(position, improved: false, parameters.Count);
        }
        return null;
    }

    /// <summary>Where to go after the run proposed at <paramref name="at"/>: the same move when it improved, else the other direction, then the next field.</summary>
    public static ClimbPosition Next(ClimbPosition at, bool improved, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(at);
        if (parameterCount <= 0) return new ClimbPosition();
        var position = Normalize(at, parameterCount);
        if (improved) return position;
        return position.Direction > 0 ? position with { Direction = -1 } : new ClimbPosition((position.Parameter + 1) % parameterCount, 1);
    }

    private static ClimbPosition Normalize(ClimbPosition at, int count) =>
        new(((at.Parameter % count) + count) % count, at.Direction >= 0 ? 1 : -1);

    private static bool IsNumber(JsonValue value) => value.GetValueKind() == JsonValueKind.Number;

    // Read from the JSON text, so a value held as int, long, double or parsed text moves alike. An integer
    // field is one written as an integer (300); any other number moves by the real step.
    private static (JsonNode Value, string Label)? Move(JsonValue value, int direction)
    {
        var text = value.ToJsonString();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            if (Math.Abs(whole) > long.MaxValue / IntegerFactor) return null;
            var next = direction > 0 ? whole * IntegerFactor : whole / IntegerFactor;
            if (next < 1 || next == whole) return null;
            return (JsonValue.Create(next), direction > 0 ? $"x{IntegerFactor}" : $"/{IntegerFactor}");
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return null;
        var moved = direction > 0 ? real * RealFactor : real / RealFactor;
        if (!double.IsFinite(moved) || moved == real) return null;
        // Rounded to 6 significant digits so a config reads as a person would write it.
        var rounded = double.Parse(moved.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var step = RealFactor.ToString(CultureInfo.InvariantCulture);
        return (JsonValue.Create(rounded), direction > 0 ? $"x{step}" : $"/{step}");
    }
}
