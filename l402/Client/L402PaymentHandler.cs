using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using L402Train.L402.Caveats;
using L402Train.L402.Challenges;
using L402Train.L402.Gate;
using L402Train.L402.Macaroons;
using L402Train.L402.Tokens;
using L402Train.Lightning;

namespace L402Train.L402.Client;

/// <summary>
/// An <see cref="HttpClient"/> handler that pays L402 challenges: on a 402 it reads the
/// challenge (any form in use), refuses amountless, expired or over-budget invoices and
/// invoices whose hash is not the token's, pays through the wallet's <see cref="ILightningNode"/>
/// with a fee limit, checks <c>sha256(preimage)</c>, retries with
/// <c>L402 &lt;std base64&gt;:&lt;lowercase hex&gt;</c>, caches the token per host and scope until it
/// expires, and writes a receipt for every payment. For a hold-mode challenge it locks the
/// deposit, retries with the macaroon only, and exposes the pending payment through
/// <see cref="L402RequestOptions.PendingPayment"/> and <see cref="L402ClientOptions.OnHoldPayment"/>.
/// Refusals throw <see cref="L402PaymentRefusedException"/>.
/// </summary>
public sealed class L402PaymentHandler : DelegatingHandler
{
    private readonly ILightningNode wallet;
    private readonly L402ClientOptions options;
    private readonly IL402TokenStore tokens;
    private readonly IPaymentReceiptSink? receipts;
    private readonly TimeProvider time;

    /// <summary>Creates the handler; chain it with <see cref="DelegatingHandler.InnerHandler"/> or an HttpClient factory.</summary>
    public L402PaymentHandler(
        ILightningNode wallet,
        L402ClientOptions? options = null,
        IL402TokenStore? tokens = null,
        IPaymentReceiptSink? receipts = null,
        TimeProvider? time = null,
        BudgetLedger? ledger = null)
    {
        this.wallet = wallet ?? throw new ArgumentNullException(nameof(wallet));
        this.options = options ?? new L402ClientOptions();
        this.tokens = tokens ?? new InMemoryL402TokenStore();
        this.receipts = receipts;
        this.time = time ?? TimeProvider.System;
        // Share one ledger across handler instances (IHttpClientFactory rotates handlers) so budgets hold.
        Ledger = ledger ?? new BudgetLedger(this.options.Budget, this.time);
    }

    /// <summary>What has been spent against the budget.</summary>
    public BudgetLedger Ledger { get; }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        if (request.Content is not null) await request.Content.LoadIntoBufferAsync(cancellationToken);
        var key = CacheKey(request, uri);

        var cached = await tokens.GetAsync(key, cancellationToken);
        if (cached is not null && cached.ExpiresAt <= time.GetUtcNow())
        {
            await tokens.RemoveAsync(key, cancellationToken);
            cached = null;
        }
        if (cached is not null) request.Headers.Authorization = new AuthenticationHeaderValue("L402", $"{cached.Macaroon}:{cached.Preimage}");

        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.PaymentRequired) return response;
        var challenge = L402Challenge.FromResponse(response);
        if (challenge is null) return response;
        if (cached is not null) await tokens.RemoveAsync(key, cancellationToken);
        response.Dispose();

        var (macaroon, identifier, details) = await ReadChallengeAsync(challenge, cancellationToken);
        var hold = macaroon.Caveats.Any(c => c.ToString() == $"{L402CaveatNames.Mode}={L402CaveatNames.HoldMode}");
        var maxFee = options.MaxFee.ToMilliSats();
        var reservation = Ledger.TryReserve(uri.Authority, details.Amount!.Value + maxFee, out var refusal)
            ?? throw new L402PaymentRefusedException(L402Refusal.OverBudget, refusal!);
        var payment = new PaymentRequest(challenge.Invoice, maxFee, options.PaymentTimeout);

        string credential;
        if (hold)
        {
            var pending = await LockDepositAsync(request, challenge, details, payment, reservation, cancellationToken);
            request.Options.Set(L402RequestOptions.PendingPayment, pending);
            if (options.OnHoldPayment is { } callback) await callback(pending, request);
            credential = $"{challenge.Macaroon}:";
        }
        else
        {
            var preimage = await PayAsync(request, challenge, identifier, details, payment, reservation, cancellationToken);
            var expires = TokenExpiry(macaroon);
            credential = $"{MacaroonBase64Std(challenge.Macaroon)}:{preimage.ToHex()}";
            await tokens.SetAsync(key, new L402CachedToken(MacaroonBase64Std(challenge.Macaroon), preimage.ToHex(), expires), cancellationToken);
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("L402", credential);
        var retried = await base.SendAsync(request, cancellationToken);
        if (!hold && retried.StatusCode == HttpStatusCode.PaymentRequired) await tokens.RemoveAsync(key, cancellationToken);
        return retried;
    }

    private static string CacheKey(HttpRequestMessage request, Uri uri) =>
        $"{uri.Scheme}://{uri.Authority}|{(request.Options.TryGetValue(L402RequestOptions.TokenScope, out var scope) ? scope : uri.AbsolutePath)}";

    /// <summary>Aperture and greenharbor accept only standard padded base64, so re-encode what the server sent.</summary>
    private static string MacaroonBase64Std(string text) => Convert.ToBase64String(MacaroonBase64.Decode(text));

    private async Task<(Macaroon, TokenIdentifier, PaymentRequestDetails)> ReadChallengeAsync(L402Challenge challenge, CancellationToken cancellationToken)
    {
        if (!Macaroon.TryFromBase64(challenge.Macaroon, out var macaroon, out var error))
            throw new L402PaymentRefusedException(L402Refusal.InvalidChallenge, $"The challenge's macaroon is not valid: {error}");
        if (!TokenIdentifier.TryDecode(macaroon!.Identifier.Span, out var identifier, out error))
            throw new L402PaymentRefusedException(L402Refusal.InvalidChallenge, $"The challenge's token identifier is not valid: {error}");
        PaymentRequestDetails details;
        try
        {
            details = await wallet.DecodeAsync(challenge.Invoice, cancellationToken);
        }
        catch (Exception e) when (e is LightningException or FormatException)
        {
            throw new L402PaymentRefusedException(L402Refusal.InvalidChallenge, $"The challenge's invoice is not valid: {e.Message}");
        }
        if (details.Amount is not { Value: > 0 })
            throw new L402PaymentRefusedException(L402Refusal.Amountless, "The invoice has no amount; an L402 client never pays an amountless invoice.");
        if (!details.Hash.Equals(identifier!.PaymentHash))
            throw new L402PaymentRefusedException(L402Refusal.HashMismatch, "The invoice's payment hash is not the one the token is bound to.");
        if (details.ExpiresAt <= time.GetUtcNow())
            throw new L402PaymentRefusedException(L402Refusal.InvalidChallenge, "The invoice has expired.");
        return (macaroon, identifier, details);
    }

    private async Task<Preimage> PayAsync(
        HttpRequestMessage request, L402Challenge challenge, TokenIdentifier identifier, PaymentRequestDetails details,
        PaymentRequest payment, BudgetReservation reservation, CancellationToken cancellationToken)
    {
        Payment result;
        try
        {
            result = await wallet.PayAsync(payment, cancellationToken);
        }
        catch (LightningException e)
        {
            reservation.Release();
            throw new L402PaymentRefusedException(L402Refusal.PaymentFailed, $"The payment failed: {e.Message}");
        }
        if (result.Status != PaymentStatus.Succeeded || result.Preimage is not { } preimage)
        {
            reservation.Release();
            throw new L402PaymentRefusedException(L402Refusal.PaymentFailed, $"The payment failed: {result.FailureReason}.");
        }
        reservation.Commit(result.Amount + result.Fee);
        if (!details.Hash.Matches(preimage) || !identifier.PaymentHash.Matches(preimage))
            throw new L402PaymentRefusedException(L402Refusal.HashMismatch, "The wallet returned a preimage that does not hash to the invoice's payment hash.");
        await RecordAsync(request, challenge, result, L402Mode.Standard, cancellationToken);
        return preimage;
    }

    private async Task<L402PendingPayment> LockDepositAsync(
        HttpRequestMessage request, L402Challenge challenge, PaymentRequestDetails details,
        PaymentRequest payment, BudgetReservation reservation, CancellationToken cancellationToken)
    {
        var locked = new TaskCompletionSource<Payment>(TaskCreationOptions.RunContinuationsAsynchronously);
        var completion = FollowDepositAsync(request, challenge, details, payment, reservation, locked);
        try
        {
            var first = await locked.Task.WaitAsync(options.HoldLockTimeout, time, cancellationToken);
            if (first.Status == PaymentStatus.Failed)
                throw new L402PaymentRefusedException(L402Refusal.PaymentFailed, $"The deposit payment failed: {first.FailureReason}.");
            await RecordAsync(request, challenge, first, L402Mode.Hold, cancellationToken);
            return new L402PendingPayment(details.Hash, details.Amount!.Value, challenge.Invoice, completion);
        }
        catch (TimeoutException)
        {
            throw new L402PaymentRefusedException(L402Refusal.PaymentFailed, $"The deposit was not locked within {options.HoldLockTimeout}.");
        }
    }

    /// <summary>Follows the deposit to its final state (beyond the request's life): budget and receipts follow it.</summary>
    private async Task<Payment> FollowDepositAsync(
        HttpRequestMessage request, L402Challenge challenge, PaymentRequestDetails details,
        PaymentRequest payment, BudgetReservation reservation, TaskCompletionSource<Payment> locked)
    {
        Payment? last = null;
        try
        {
            await foreach (var update in wallet.SendPaymentAsync(payment, CancellationToken.None))
            {
                last = update;
                if (update.Status != PaymentStatus.InFlight) break;
                locked.TrySetResult(update);
            }
        }
        catch (LightningException e)
        {
            reservation.Release();
            locked.TrySetException(new L402PaymentRefusedException(L402Refusal.PaymentFailed, $"The deposit payment failed: {e.Message}"));
            throw;
        }
        if (last is null)
        {
            reservation.Release();
            throw new LightningException("The wallet ended the payment stream without a state.");
        }
        locked.TrySetResult(last);
        if (last.Status == PaymentStatus.Succeeded)
        {
            reservation.Commit(last.Amount + last.Fee);
            if (last.Preimage is not { } p || !details.Hash.Matches(p))
                throw new LightningException("The wallet reported a forfeited deposit with a preimage that does not match its hash.");
        }
        else
        {
            reservation.Release();
        }
        await RecordAsync(request, challenge, last, L402Mode.Hold, CancellationToken.None);
        return last;
    }

    private async ValueTask RecordAsync(HttpRequestMessage request, L402Challenge challenge, Payment payment, L402Mode mode, CancellationToken cancellationToken)
    {
        if (receipts is null) return;
        var receipt = new L402PaymentReceipt(
            request.RequestUri!, request.Method.Method, payment.Hash, payment.Preimage, payment.Amount, payment.Fee,
            mode, payment.Status, challenge.Invoice, challenge.Macaroon, time.GetUtcNow());
        await receipts.RecordAsync(receipt, cancellationToken);
    }

    private DateTimeOffset TokenExpiry(Macaroon macaroon)
    {
        DateTimeOffset? expiry = null;
        foreach (var caveat in macaroon.Caveats)
        {
            if (Caveat.TryParse(caveat.ToString(), out var c)
                && c.Condition.EndsWith(L402CaveatNames.ValidUntilSuffix, StringComparison.Ordinal)
                && long.TryParse(c.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
            {
                var until = DateTimeOffset.FromUnixTimeSeconds(Math.Min(unix, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
                if (expiry is null || until < expiry) expiry = until;
            }
        }
        return expiry ?? time.GetUtcNow() + options.DefaultTokenLifetime;
    }
}
