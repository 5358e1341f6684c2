using System.Net;
using L402Train.L402.Challenges;
using L402Train.Lightning.Bolt11;

namespace L402Train.PeerAgent.Research;

/// <summary>What a paid request may be charged: the probed price, to the worker's node.</summary>
/// <param name="PriceSats">The price the probe read.</param>
/// <param name="Payee">The worker's node key (hex) from its signed registration.</param>
public sealed record ExpectedOffer(long PriceSats, string Payee);

/// <summary>
/// Sits under the L402 payment handler and reads each 402 before the handler can pay it: a challenge
/// whose invoice asks more or less than the probed price, or is payable to another node than the
/// worker's registered key, stops the request (<see cref="WorkerFailedException"/>) before any sat
/// moves.
/// </summary>
public sealed class OfferGuardHandler : DelegatingHandler
{
    /// <summary>Set by the caller: the offer the request may pay.</summary>
    public static readonly HttpRequestOptionsKey<ExpectedOffer> Expected = new("Research.ExpectedOffer");

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.PaymentRequired || L402Challenge.FromResponse(response) is not { } challenge) return response;
        if (!request.Options.TryGetValue(Expected, out var expected)) return response;
        string? problem = null;
        if (!Bolt11Invoice.TryDecode(challenge.Invoice, out var invoice, out var error)) problem = $"its invoice cannot be read: {error}";
        else if (invoice!.Amount?.ToSatsFloor().Value != expected.PriceSats) problem = $"its invoice asks {invoice.Amount?.ToSatsFloor().Value.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no amount"} sat, the probe said {expected.PriceSats} sat";
        else if (!string.Equals(invoice.Payee.ToHex(), expected.Payee, StringComparison.OrdinalIgnoreCase)) problem = "its invoice pays another node than the one that signed its registration";
        if (problem is null) return response;
        response.Dispose();
        throw new WorkerFailedException($"{request.RequestUri} was not paid: {problem}");
    }
}
