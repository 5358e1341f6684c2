using L402Train.Grains.Bounties.Catalog;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Bounties;
using L402Train.Testing;

namespace L402Train.Attacks.Arena;

/// <summary>
/// The stage every attacker plays on: the real silo (gateway, validator with the bubblewrap sandbox,
/// settler; SQLite and simnet) on a loopback port, and the shipped spam-filter bounty posted and
/// funded by a sponsor exactly as <c>peer-agent bounty example</c> + <c>bounty create</c> make it.
/// </summary>
public sealed class AttackArena : IAsyncDisposable
{
    /// <summary>The seed of the public set: the examples' default, known to every attacker.</summary>
    public const int PublicSeed = 42;

    // The sponsor's own held-out seed: fixed so the suite is reproducible, never used by an attacker.
    private const int SponsorSecretSeed = 20_261_205;

    private readonly EmbeddedSilo silo;
    private readonly DirectoryInfo scratch;
    private readonly Lazy<Task<Leader>> leader;
    private int agents;

    private AttackArena(EmbeddedSilo silo, DirectoryInfo scratch, string bountyId, string sponsorMacaroon)
    {
        this.silo = silo;
        this.scratch = scratch;
        BountyId = bountyId;
        SponsorMacaroon = sponsorMacaroon;
        leader = new Lazy<Task<Leader>>(() => Leader.EstablishAsync(this, CancellationToken.None));
    }

    /// <summary>The shipped bounty's id.</summary>
    public string BountyId { get; }

    /// <summary>The sponsor's Bearer macaroon (exact figures, every submission).</summary>
    public string SponsorMacaroon { get; }

    /// <summary>The silo's address.</summary>
    public Uri BaseAddress => new(silo.Url.TrimEnd('/') + "/");

    /// <summary>The simulated Lightning network agents pay through.</summary>
    public SimnetNetwork Network => silo.Network;

    /// <summary>The silo's clock.</summary>
    public TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>The deposit every submission locks (the silo's default).</summary>
    public long DepositSats { get; } = new BountyRules().DepositSat;

    /// <summary>Starts the silo and posts and funds the shipped bounty.</summary>
    public static async Task<AttackArena> StartAsync(CancellationToken cancellationToken)
    {
        var silo = await EmbeddedSilo.StartAsync("attacks",
            settings => settings with { Bounties = new BountyRules { FundingPollInterval = TimeSpan.FromMilliseconds(100) } }, cancellationToken);
        try
        {
            var scratch = Directory.CreateTempSubdirectory("l402train-attackers-");
            var (id, macaroon) = await PostShippedBountyAsync(silo, scratch, cancellationToken);
            return new AttackArena(silo, scratch, id, macaroon);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new agent with its own funded wallet, paying through the L402 client.</summary>
    public AttackAgent NewAgent(string name)
    {
        var n = Interlocked.Increment(ref agents);
        var folder = Directory.CreateDirectory(Path.Combine(scratch.FullName, $"{name}-{n}")).FullName;
        return new AttackAgent(name, Network.CreateFundedNode($"{name}-{n}", new Sats(AgentFundingSats)), this, folder);
    }

    /// <summary>What each agent's wallet starts with.</summary>
    public const long AgentFundingSats = 200_000;

    /// <summary>The honest leader's accepted submission (established once, by the first attack that needs it).</summary>
    public Task<Leader> LeaderAsync() => leader.Value;

    /// <summary>Whether the leader has already been established (a run reports its figures then).</summary>
    public bool HasLeader => leader.IsValueCreated && leader.Value.IsCompletedSuccessfully;

    private static async Task<(string Id, string SponsorMacaroon)> PostShippedBountyAsync(EmbeddedSilo silo, DirectoryInfo scratch, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(scratch.FullName, "sponsor");
        SponsorFolder.WriteExample(folder, PublicSeed, SponsorSecretSeed);
        var request = SponsorFolder.Pack(folder, TimeProvider.System.GetUtcNow()).Request;
        var sponsor = silo.Network.CreateFundedNode("sponsor", new Sats(1_000_000));
        using var http = new HttpClient { BaseAddress = new Uri(silo.Url.TrimEnd('/') + "/") };
        var client = new BountyClient(http);
        var created = await client.CreateAsync(request, cancellationToken);
        var paid = await sponsor.PayAsync(new PaymentRequest(created.FundingInvoice, MilliSats.Zero, TimeSpan.FromSeconds(30)), cancellationToken);
        if (paid.Status != PaymentStatus.Succeeded) throw new InvalidOperationException($"the sponsor could not fund {created.Id}: {paid.FailureReason}");
        // Activation is the funding job's; the API has no push for it, so the sponsor reads the list as an agent would.
        using var period = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while ((await client.ListAsync("active", timeout.Token)).All(b => b.Id != created.Id)) await period.WaitForNextTickAsync(timeout.Token);
        return (created.Id, created.SponsorMacaroon);
    }

    /// <summary>Stops the silo and removes the agents' folders.</summary>
    public async ValueTask DisposeAsync()
    {
        await silo.DisposeAsync();
        scratch.Delete(recursive: true);
    }
}
