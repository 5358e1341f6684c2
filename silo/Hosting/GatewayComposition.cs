using System.Security.Cryptography;
using L402Train.Gateway.L402;
using L402Train.Grains.Payments;
using L402Train.L402.Tokens;
using L402Train.Lightning;

namespace L402Train.Silo.Hosting;

/// <summary>
/// Composes what every track sells through: the L402 gate over the server secret, the money sweeps,
/// and the coordinator's ledger opened at start. A silo has it whichever tracks it runs.
/// </summary>
internal static class GatewayComposition
{
    /// <summary>
    /// Registers the L402 gateway (<see cref="L402GatewayServices.AddL402Gateway"/>), the fee and dead-money sweeps
    /// and the ledger's opening. The server secret is <see cref="SiloSettings.ServerSecretFile"/> when given (never written),
    /// else <c>l402-secret</c> under the data directory.
    /// </summary>
    public static WebApplicationBuilder AddL402Gateway(this WebApplicationBuilder builder, SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var keys = new RootKeyRing(settings.ServerSecretFile is { } secretFile ? LoadSecret(secretFile) : LoadOrCreateSecret(Path.Combine(settings.DataDir, "l402-secret")));
        // The ledger opens before anything else starts that books into it (the sweeps, the training run).
        builder.Services.AddHostedService<LedgerBootstrap>();
        // Their options first: the shared wiring keeps options a host registered.
        builder.AddMoneySweeps(settings.UnfiledDepositGrace);
        builder.AddFeeSweep(settings.FeeSweepInterval);
        builder.Services.AddL402Gateway(keys);
        return builder;
    }

    // The server secret signs every macaroon and derives every deposit preimage: keep it with the data, never regenerate it.
    // Whoever reads it mints tokens without paying, so it is created 0600 and refused when others may read it.
    private static ServerSecret LoadOrCreateSecret(string path)
    {
        if (!File.Exists(path)) SecretFiles.WriteOnce(path, $"1:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}");
        SecretFiles.RequirePrivate(path);
        return ServerSecret.Parse(File.ReadAllText(path).Trim());
    }

    // A secret the operator provides (a mounted Secret): shared by every silo, so it is never generated here.
    private static ServerSecret LoadSecret(string path)
    {
        SecretFiles.RequirePrivate(path);
        try
        {
            return ServerSecret.Parse(File.ReadAllText(path).Trim());
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new SiloSettingException("secret-file", $"'{path}' is not a server secret ({ex.Message}); write one with: echo \"1:$(openssl rand -hex 32)\" > {path}");
        }
    }

    /// <summary>Opens the ledger with the node's balance on first start, and books faucet grants it missed.</summary>
    private sealed class LedgerBootstrap(IGrainFactory grains, ILightningNode node, IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            // A new ledger's opening balance already holds every fee paid before it: the fee sweep starts
            // after the node's newest invoice (read first), so a node that outlived an old data directory is not booked twice.
            var newest = (await node.ListInvoicesAsync(new InvoiceQuery(0, 1, Reversed: true), cancellationToken)).LastIndexOffset;
            var balance = await node.GetBalanceAsync(cancellationToken);
            var ledger = grains.GetGrain<ILedgerGrain>(LedgerGrain.CoordinatorKey);
            var opening = !(await ledger.GetAsync()).Opened;
            await ledger.OpenAtAsync(balance.Local.ToSatsFloor(), newest);
            // Faucet grants the ledger missed (a crash between grant and entry) are booked now, before anyone is served.
            if (services.GetService<SimnetFaucetLedger>() is { } faucet) await faucet.RecordAsync(inOpening: opening, cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
