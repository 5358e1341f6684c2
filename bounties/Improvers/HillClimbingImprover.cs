using System.Globalization;

namespace L402Train.Bounties.Improvers;

/// <summary>Settings of <see cref="HillClimbingImprover"/>.</summary>
/// <param name="Seed">Seeds every random choice: the same seed, files and scores give the same proposals.</param>
/// <param name="InitialStep">Starting step, as a fraction of a number's size (at least 0.25 in absolute terms for decimals).</param>
/// <param name="MaxDecimals">Decimal places a tuned number may get.</param>
public sealed record HillClimbingOptions(int Seed, double InitialStep = 1.0, int MaxDecimals = 3);

/// <summary>
/// The built-in improver: picks one numeric constant or option word in the target files and
/// nudges it (a Gaussian step for decimals, ±1 or more for integers, a flip for options), with a
/// step size that grows after a success and shrinks after a failure, a (1+1) evolution strategy.
/// Deterministic given its seed and the scores it observes.
/// </summary>
public sealed class HillClimbingImprover : IImprover
{
    private readonly HillClimbingOptions options;
    private readonly Random random;
    private double step;

    /// <summary>Creates a hill climber.</summary>
    public HillClimbingImprover(HillClimbingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        random = new Random(options.Seed);
        step = options.InitialStep;
    }

    /// <summary>The current step scale (for logs and tests).</summary>
    public double Step => step;

    /// <inheritdoc />
    public Task<Proposal?> ProposeAsync(ImprovementContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tokens = context.BestFiles.OrderBy(f => f.Key, StringComparer.Ordinal)
            .SelectMany(f => TunableScanner.Find(f.Key, f.Value)).ToList();
        if (tokens.Count == 0) { return Task.FromResult<Proposal?>(null); }
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var token = tokens[random.Next(tokens.Count)];
            var replacement = token.Kind == TunableKind.Option ? TunableScanner.FlipOption(token.Text) : Nudge(token.Text);
            if (replacement == token.Text) { continue; }
            var text = context.BestFiles[token.Path];
            var files = new Dictionary<string, string>(context.BestFiles)
            {
                [token.Path] = string.Concat(text.AsSpan(0, token.Offset), replacement, text.AsSpan(token.Offset + token.Text.Length)),
            };
            var name = token.Key ?? $"{token.Path}@{token.Offset}";
            return Task.FromResult<Proposal?>(new Proposal(files, $"{name} {token.Text} -> {replacement}"));
        }
        return Task.FromResult<Proposal?>(null);
    }

    /// <inheritdoc />
    public void Observe(Proposal proposal, double? score, bool kept) =>
        step = kept ? Math.Min(step * 1.5, 8.0) : Math.Max(step * 0.93, 0.05);

    private string Nudge(string number)
    {
        var value = TunableScanner.Value(number);
        var decimals = TunableScanner.Decimals(number);
        if (decimals == 0)
        {
            var size = Math.Max(1.0, Math.Abs(value) * 0.25 * step);
            var delta = Math.Max(1, (long)Math.Round(Math.Abs(Gaussian()) * size));
            var next = (long)value + (random.Next(2) == 0 ? -delta : delta);
            // A count that was non-negative stays so: limits, lengths and sizes below zero mean nothing.
            if (value >= 0 && next < 0) { next = 0; }
            return next.ToString(CultureInfo.InvariantCulture);
        }
        var sigma = step * Math.Max(Math.Abs(value) * 0.5, 0.25);
        var places = Math.Clamp(Math.Max(decimals, 2), 1, options.MaxDecimals);
        var tuned = Math.Round(value + (Gaussian() * sigma), places);
        if (tuned == 0) { tuned = 0; } // no "-0.00"
        return tuned.ToString("F" + places.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private double Gaussian()
    {
        // Box–Muller; 1 - NextDouble() keeps the logarithm's argument in (0, 1].
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
