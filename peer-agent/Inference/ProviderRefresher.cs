namespace L402Train.PeerAgent.Inference;

/// <summary>What one background probe of a provider found.</summary>
/// <param name="Provider">The provider's base URL (the history's key).</param>
/// <param name="SatPer1kTokens">The price its 402 asks per 1000 tokens; null when it failed.</param>
/// <param name="Error">Why it counts as failed (unreachable, no answer in time, not a payable 402); null when it answered.</param>
public sealed record ProviderProbe(string Provider, double? SatPer1kTokens, string? Error)
{
    /// <summary>True when it answered with a challenge whose invoice asks the advertised price.</summary>
    public bool Answered => Error is null;

    /// <summary>True when it answered 429 (every generation slot busy): neither an answer nor a failure.</summary>
    public bool Busy => Error?.StartsWith(ProviderRefresher.BusyPrefix, StringComparison.Ordinal) == true;
}

/// <summary>One refresh round: the providers it probed (those whose history was stale or missing), or why it could not run.</summary>
/// <param name="Probes">One per probed provider; empty when every record was fresh.</param>
/// <param name="Error">Why the round stopped (the history file could not be read or written); null when it ran.</param>
public sealed record ProviderRefreshRound(IReadOnlyList<ProviderProbe> Probes, string? Error);

/// <summary>
/// Keeps the provider history current while <c>infer serve</c> runs: a round at start and then every
/// <c>interval</c> (on the injected clock) probes each provider whose record is older than the
/// history's time to live or missing, without paying (<see cref="L402Probe"/> with a 16-token chat
/// request). A payable 402 refreshes the record and its price; a 429 (busy) records nothing; anything
/// else (a refused connection, no answer in time, a 5xx, a 402 whose invoice asks another amount)
/// counts as a failure, so a dead provider drops down the ranking before a request has to find out. Rounds run beside
/// requests: a probe holds no lock, only each history write takes the history's own.
/// </summary>
public sealed class ProviderRefresher : IAsyncDisposable
{
    internal const string BusyPrefix = "busy (429)";

    private readonly IReadOnlyList<string> providers;
    private readonly ProviderHistory history;
    private readonly TimeSpan interval;
    private readonly TimeSpan probeTimeout;
    private readonly TimeProvider time;
    private readonly HttpClient http;
    private readonly Func<ProviderRefreshRound, CancellationToken, Task>? onRound;
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;

    /// <summary>A refresher of <paramref name="providers"/> (base URLs) writing to <paramref name="history"/>.</summary>
    /// <param name="providers">The providers to keep measured (the router's <c>--provider</c> list).</param>
    /// <param name="history">The history the router ranks from; its time to live decides what is stale.</param>
    /// <param name="interval">Time between rounds.</param>
    /// <param name="probeTimeout">Most time one probe waits for its answer.</param>
    /// <param name="time">The clock of rounds and probe timeouts.</param>
    /// <param name="transport">The HTTP handler to probe through (tests); never a paying one.</param>
    /// <param name="onRound">Called after each round (serve prints failures; tests wait on it).</param>
    public ProviderRefresher(IReadOnlyList<Uri> providers, ProviderHistory history, TimeSpan interval, TimeSpan probeTimeout, TimeProvider? time = null,
        HttpMessageHandler? transport = null, Func<ProviderRefreshRound, CancellationToken, Task>? onRound = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(probeTimeout, TimeSpan.Zero);
        this.providers = [.. providers.Select(InferenceRouter.Key).Distinct(StringComparer.Ordinal)];
        this.history = history ?? throw new ArgumentNullException(nameof(history));
        this.interval = interval;
        this.probeTimeout = probeTimeout;
        this.time = time ?? TimeProvider.System;
        this.onRound = onRound;
        // A plain client: a probe reads a challenge and can never pay it.
        http = new HttpClient(transport ?? new SocketsHttpHandler(), disposeHandler: transport is null) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Starts the rounds: one now, then one every interval until disposed.</summary>
    public void Start()
    {
        if (loop is not null) throw new InvalidOperationException("The refresher is already running.");
        // The timer exists before this returns, so a clock moved right after Start still reaches it.
        var timer = new PeriodicTimer(interval, time);
        loop = RunAsync(timer, stopping.Token);
    }

    /// <summary>
    /// Probes every provider whose record is stale or missing, records each outcome, and returns them.
    /// Throws <see cref="IOException"/> when the history file cannot be read or written.
    /// </summary>
    public async Task<IReadOnlyList<ProviderProbe>> RefreshOnceAsync(CancellationToken cancellationToken)
    {
        var fresh = await history.ReadAsync(cancellationToken);
        var stale = providers.Where(p => !fresh.ContainsKey(p)).ToList();
        // In parallel: one provider that hangs until its timeout must not hold back the others' refresh.
        return await Task.WhenAll(stale.Select(p => ProbeAsync(p, cancellationToken)));
    }

    /// <summary>Stops the rounds, cancelling a probe in flight, and waits for the loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (loop is not null) await loop;
        stopping.Dispose();
        http.Dispose();
    }

    private async Task RunAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        using var owned = timer;
        try
        {
            do
            {
                ProviderRefreshRound round;
                try
                {
                    round = new ProviderRefreshRound(await RefreshOnceAsync(cancellationToken), null);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A full disk or a locked file costs this round, not the endpoint: the next round tries again.
                    round = new ProviderRefreshRound([], $"{history.Path}: {e.Message}");
                }
                if (onRound is not null) await onRound(round, cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: the serve command is stopping.
        }
    }

    private async Task<ProviderProbe> ProbeAsync(string provider, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(probeTimeout, time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        ProviderProbe probe;
        var started = time.GetTimestamp();
        TimeSpan? firstByte = null;
        try
        {
            var offer = await L402Probe.ProbeAsync(http, new Uri(new Uri(provider), "v1/chat/completions"), HttpMethod.Post, L402Probe.ChatProbeBody, attempt.Token);
            // The whole 402 is a few hundred bytes, so the time to read it is the time to its first byte.
            firstByte = time.GetElapsedTime(started);
            probe = offer switch
            {
                // Busy refuses before charging: nothing is known of its health, so nothing is recorded and the next round asks again.
                { Status: 429 } => new ProviderProbe(provider, null, $"{BusyPrefix}; probed again next round"),
                { Status: not 402 } => new ProviderProbe(provider, null, $"answered {offer.Status}, not an L402 challenge"),
                { AmountMatches: false } => new ProviderProbe(provider, null, $"the invoice asks {offer.InvoiceSat?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no amount"}, not the advertised {offer.AdvertisedSat?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} sat"),
                _ => new ProviderProbe(provider, offer.AdvertisedSat!.Value * 1000.0 / L402Probe.ChatProbeTokens, null),
            };
        }
        catch (Exception e) when (e is HttpRequestException or IOException or FormatException or ArgumentException or InvalidOperationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // A provider is someone else's server: a dead host or an unreadable challenge is its failure, not the refresher's.
            probe = new ProviderProbe(provider, null, e is OperationCanceledException ? $"no answer within {probeTimeout.TotalSeconds:0.#}s" : e.Message);
        }
        if (probe.SatPer1kTokens is { } price) await history.RecordProbeAsync(provider, price, cancellationToken, firstByte);
        else if (!probe.Busy) await history.RecordFailureAsync(provider, cancellationToken);
        return probe;
    }
}
