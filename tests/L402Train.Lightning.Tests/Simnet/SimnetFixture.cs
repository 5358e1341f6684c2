using L402Train.Lightning.Simnet;
using L402Train.Testing;

namespace L402Train.Lightning.Tests.Simnet;

internal static class SimnetFixture
{
    public static (SimnetNetwork Network, FakeTimeProvider Clock) Create(SimnetOptions? options = null)
    {
        var clock = new FakeTimeProvider();
        return (new SimnetNetwork(options, clock), clock);
    }

    public static PaymentRequest Pay(Invoice invoice, long maxFeeMsat = 0, MilliSats? amount = null) =>
        new(invoice.PaymentRequest, new MilliSats(maxFeeMsat), TimeSpan.FromSeconds(60), amount);

    public static CreateHoldInvoiceRequest Hold(Preimage preimage, long sats, TimeSpan? expiry = null) =>
        new(preimage.Hash, new Sats(sats).ToMilliSats(), "deposit", expiry ?? TimeSpan.FromHours(1));

    /// <summary>Starts a payment and returns once its first update (IN_FLIGHT for a held HTLC) arrived, with the rest of the stream.</summary>
    public static async Task<(Payment First, IAsyncEnumerator<Payment> Stream)> StartAsync(ILightningNode payer, PaymentRequest request)
    {
        var stream = payer.SendPaymentAsync(request).GetAsyncEnumerator();
        if (!await stream.MoveNextAsync()) throw new InvalidOperationException("empty payment stream");
        return (stream.Current, stream);
    }

    public static async Task<Payment> FinalAsync(IAsyncEnumerator<Payment> rest)
    {
        var last = rest.Current;
        while (await rest.MoveNextAsync()) last = rest.Current;
        await rest.DisposeAsync();
        return last;
    }
}
