using Xunit;
using static L402Train.Lightning.Tests.Simnet.SimnetFixture;

namespace L402Train.Lightning.Tests.Simnet;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Parallel_payments_and_settlements_conserve_every_millisatoshi()
    {
        var (network, _) = Create();
        using var _network = network;
        var payers = Enumerable.Range(0, 6).Select(i => network.CreateFundedNode($"peer{i}", new Sats(100_000))).ToArray();
        var total = network.TotalFunds;
        var coordinator = network.Coordinator;

        await Task.WhenAll(payers.Select(payer => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var preimage = Preimage.Random();
                var held = await coordinator.CreateHoldInvoiceAsync(Hold(preimage, 10));
                var (first, stream) = await StartAsync(payer, Pay(held));
                Assert.Equal(PaymentStatus.InFlight, first.Status);
                if (i % 2 == 0) await coordinator.SettleInvoiceAsync(preimage);
                else await coordinator.CancelInvoiceAsync(preimage.Hash);
                var final = await FinalAsync(stream);
                Assert.Equal(i % 2 == 0 ? PaymentStatus.Succeeded : PaymentStatus.Failed, final.Status);
                var reward = await payer.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(3).ToMilliSats(), "reward", TimeSpan.FromHours(1)));
                Assert.Equal(PaymentStatus.Succeeded, (await coordinator.PayAsync(Pay(reward))).Status);
            }
        })));

        Assert.Equal(total, network.TotalFunds);
        foreach (var payer in payers)
        {
            var balance = await payer.GetBalanceAsync();
            // 13 deposits of 10 sat settled, 25 rewards of 3 sat received.
            Assert.Equal(new Sats(100_000 - 130 + 75).ToMilliSats(), balance.Local);
            Assert.Equal(MilliSats.Zero, balance.PendingOutgoing);
        }
    }
}
