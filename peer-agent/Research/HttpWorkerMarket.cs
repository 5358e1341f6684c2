using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Inference;
using L402Train.Protocol.Research;

namespace L402Train.PeerAgent.Research;

/// <summary>Settings of <see cref="HttpWorkerMarket"/>.</summary>
/// <param name="Coordinator">The index's base URL.</param>
/// <param name="Limit">Most agents read from the index.</param>
/// <param name="Payment">The L402 client's budget and timeouts.</param>
/// <param name="RunTimeout">Give up on a worker (and try the next) when its run has not been delivered by then.</param>
/// <param name="RequestTimeout">Give up on one HTTP request (index, probe, submit, one long-poll) by then.</param>
/// <param name="SettleTimeout">How long a delivered result may wait for its settlement.</param>
public sealed record WorkerMarketOptions(
    Uri Coordinator, int Limit, L402ClientOptions Payment, TimeSpan RunTimeout, TimeSpan RequestTimeout, TimeSpan SettleTimeout);

/// <summary>
/// The research loop's outside world over HTTP and the wallet: the index (<see cref="WorkerIndex"/>),
/// probes without paying (<see cref="L402Probe"/>), submissions through the budgeted
/// <see cref="L402PaymentHandler"/> in hold mode with <see cref="OfferGuardHandler"/> under it, long-polls
/// of <c>GET /experiment/{id}?wait=</c>, and the deposit's fate from the wallet.
/// </summary>
public sealed class HttpWorkerMarket : IWorkerMarket, IDisposable
{
    private static readonly HttpRequestOptionsKey<Func<LockedDeposit, Task>> LockedKey = new("Research.Locked");
    private const int PollWaitSeconds = 30;

    private readonly ILightningNode wallet;
    private readonly WorkerMarketOptions options;
    private readonly TimeProvider time;
    private readonly HttpClient plain;
    private readonly HttpClient paid;
    private readonly ConcurrentDictionary<string, Task<Payment>> completions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the market over <paramref name="wallet"/>.</summary>
    public HttpWorkerMarket(ILightningNode wallet, WorkerMarketOptions options, TimeProvider? time = null)
    {
        this.wallet = wallet ?? throw new ArgumentNullException(nameof(wallet));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? TimeProvider.System;
        plain = new HttpClient { Timeout = options.RequestTimeout + TimeSpan.FromSeconds(PollWaitSeconds) };
        var payment = new L402ClientOptions
        {
            Budget = options.Payment.Budget, MaxFee = options.Payment.MaxFee, PaymentTimeout = options.Payment.PaymentTimeout,
            HoldLockTimeout = options.Payment.HoldLockTimeout,
            OnHoldPayment = OnHoldPaymentAsync,
        };
        paid = new HttpClient(new L402PaymentHandler(wallet, payment, time: this.time) { InnerHandler = new OfferGuardHandler { InnerHandler = new SocketsHttpHandler() } })
        {
            Timeout = options.RequestTimeout,
        };
        Index = new WorkerIndex(plain, options.Coordinator);
    }

    /// <summary>The index client.</summary>
    public WorkerIndex Index { get; }

    /// <summary>Agents the last discovery skipped, with the reason.</summary>
    public IReadOnlyList<SkippedAgent> Skipped { get; private set; } = [];

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkerCandidate>> DiscoverAsync(CancellationToken cancellationToken)
    {
        var listing = await Index.ListAsync(options.Limit, cancellationToken);
        Skipped = listing.Skipped;
        return listing.Workers;
    }

    /// <inheritdoc />
    public async Task<WorkerQuote> ProbeAsync(WorkerCandidate worker, ExperimentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var start = time.GetTimestamp();
        try
        {
            var offer = await L402Probe.ProbeAsync(plain, worker.Endpoint, HttpMethod.Post, Body(request), cancellationToken);
            var elapsed = time.GetElapsedTime(start);
            if (offer.Status is >= 400 and < 500 and not 402) return new WorkerQuote(worker, false, 0, true, $"refused the experiment ({offer.Status})", elapsed);
            if (offer.Status != 402) return new WorkerQuote(worker, false, 0, false, $"answered {offer.Status}, not a 402", elapsed);
            if (offer.Mode != "hold") return new WorkerQuote(worker, false, 0, false, $"prices in {offer.Mode} mode; an experiment is paid in hold mode (only delivered results are paid)", elapsed);
            if (!offer.AmountMatches) return new WorkerQuote(worker, false, 0, false, $"its invoice asks {offer.InvoiceSat?.ToString(CultureInfo.InvariantCulture) ?? "no amount"} sat, its 402 says {offer.AdvertisedSat?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}", elapsed);
            return new WorkerQuote(worker, true, offer.AdvertisedSat!.Value, false, null, elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException && !cancellationToken.IsCancellationRequested)
        {
            return new WorkerQuote(worker, false, 0, false, $"unreachable: {e.Message}", time.GetElapsedTime(start));
        }
    }

    /// <inheritdoc />
    public async Task<ExperimentAccepted> SubmitAsync(WorkerQuote quote, ExperimentRequest request, Func<LockedDeposit, Task> locked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quote);
        using var message = new HttpRequestMessage(HttpMethod.Post, quote.Worker.Endpoint) { Content = Json(request) };
        message.Options.Set(OfferGuardHandler.Expected, new ExpectedOffer(quote.PriceSats, quote.Worker.AgentId));
        message.Options.Set(LockedKey, locked);
        // The 202 at once: the run is long-polled, so the payment's time is the payment's alone.
        message.Headers.Add("Prefer", "respond-async");
        try
        {
            using var response = await paid.SendAsync(message, cancellationToken);
            return await AcceptedAsync(quote.Worker.Endpoint, response, cancellationToken)
                ?? throw new WorkerFailedException($"{quote.Worker.Endpoint} answered {(int)response.StatusCode} to the paid experiment: {await Snippet(response, cancellationToken)}");
        }
        catch (L402PaymentRefusedException e) when (e.Reason == L402Refusal.OverBudget)
        {
            throw new ResearchException($"not paid: {e.Message} (raise --budget-sat or --daily-budget-sat)", e);
        }
        catch (L402PaymentRefusedException e)
        {
            throw new WorkerFailedException($"{quote.Worker.Endpoint} was not paid: {e.Message}", e);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new WorkerFailedException($"{quote.Worker.Endpoint} was lost during the paid request: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async Task<ExperimentAccepted?> RecoverAsync(Uri endpoint, LockedDeposit deposit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(deposit);
        try
        {
            // A worker names each experiment by its payment hash too: ask for the one this deposit paid for.
            using var response = await plain.GetAsync(ExperimentUrl(endpoint, deposit.PaymentHash), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode)
                throw new WorkerFailedException($"{endpoint} answered {(int)response.StatusCode} for the paid experiment {deposit.PaymentHash[..16]}…: {await Snippet(response, cancellationToken)}");
            var view = await response.Content.ReadFromJsonAsync<ExperimentView>(ProtocolJson.Options, cancellationToken);
            return view is not null && string.Equals(view.PaymentHash, deposit.PaymentHash, StringComparison.OrdinalIgnoreCase)
                ? new ExperimentAccepted(view.ExperimentId, $"/experiment/{view.ExperimentId}", view.State, view.PaymentHash)
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new WorkerFailedException($"{endpoint} cannot be reached to recover the paid experiment: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async Task<ExperimentView> WaitAsync(Uri endpoint, string experimentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var deadline = new CancellationTokenSource(options.RunTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var url = new Uri(ExperimentUrl(endpoint, experimentId) + $"?wait={PollWaitSeconds.ToString(CultureInfo.InvariantCulture)}");
        try
        {
            while (true)
            {
                using var response = await plain.GetAsync(url, linked.Token);
                if (!response.IsSuccessStatusCode)
                    throw new WorkerFailedException($"{endpoint} answered {(int)response.StatusCode} for {experimentId}: {await Snippet(response, linked.Token)}");
                var view = await response.Content.ReadFromJsonAsync<ExperimentView>(ProtocolJson.Options, linked.Token)
                    ?? throw new WorkerFailedException($"{endpoint} answered no experiment for {experimentId}");
                if (view.State is ExperimentState.Completed or ExperimentState.Failed or ExperimentState.Abandoned) return view;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WorkerFailedException($"{endpoint} did not deliver {experimentId} within {options.RunTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            throw new WorkerFailedException($"{endpoint} was lost while running {experimentId}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async Task<DepositStatus> DepositAsync(string paymentHash, CancellationToken cancellationToken)
    {
        var payment = await wallet.LookupPaymentAsync(PaymentHash.FromHex(paymentHash), cancellationToken);
        return payment?.Status switch
        {
            PaymentStatus.Succeeded => new DepositStatus(DepositState.Settled, payment.Preimage?.ToHex()),
            PaymentStatus.InFlight => new DepositStatus(DepositState.Held, null),
            _ => new DepositStatus(DepositState.Refunded, null),
        };
    }

    /// <inheritdoc />
    public async Task<string?> PreimageAsync(string paymentHash, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(options.SettleTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            if (completions.TryRemove(paymentHash, out var completion))
            {
                // This process paid it: the L402 handler follows the payment to its end.
                var payment = await completion.WaitAsync(linked.Token);
                return payment.Status == PaymentStatus.Succeeded ? payment.Preimage?.ToHex() : null;
            }
            // A resumed loop has only the wallet: ask it until the worker's settlement (or cancellation) reaches it.
            while (true)
            {
                var status = await DepositAsync(paymentHash, linked.Token);
                if (status.State != DepositState.Held) return status.Preimage;
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, linked.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WorkerFailedException($"the deposit {paymentHash[..16]}… was neither settled nor cancelled within {options.SettleTimeout.TotalSeconds:0} s of the delivery");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        plain.Dispose();
        paid.Dispose();
    }

    private async ValueTask OnHoldPaymentAsync(L402PendingPayment pending, HttpRequestMessage request)
    {
        completions[pending.PaymentHash.ToHex()] = pending.Completion;
        if (!request.Options.TryGetValue(LockedKey, out var locked)) return;
        await locked(new LockedDeposit(pending.PaymentHash.ToHex(), pending.Invoice, pending.Amount.ToSatsFloor().Value));
    }

    // 202 (or 200 when the run finished within the request) with the experiment; null for any other answer.
    private static async Task<ExperimentAccepted?> AcceptedAsync(Uri endpoint, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is >= HttpStatusCode.InternalServerError)
            throw new WorkerFailedException($"{endpoint} answered {(int)response.StatusCode}: {await Snippet(response, cancellationToken)}");
        if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.OK)) return null;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.TryGetProperty("kind", out _))
            {
                var view = json.RootElement.Deserialize<ExperimentView>(ProtocolJson.Options)!;
                return new ExperimentAccepted(view.ExperimentId, $"/experiment/{view.ExperimentId}", view.State, view.PaymentHash);
            }
            return json.RootElement.Deserialize<ExperimentAccepted>(ProtocolJson.Options);
        }
        catch (JsonException e)
        {
            throw new WorkerFailedException($"{endpoint} answered {(int)response.StatusCode} with something that is not an experiment: {e.Message}", e);
        }
    }

    private static Uri ExperimentUrl(Uri endpoint, string experimentId) => new(endpoint.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(experimentId));

    private static string Body(ExperimentRequest request) => JsonSerializer.Serialize(request, ProtocolJson.Options);

    private static StringContent Json(ExperimentRequest request) => new(Body(request), Encoding.UTF8, "application/json");

    private static async Task<string> Snippet(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return body.Length > 300 ? body[..300] : body;
    }
}
