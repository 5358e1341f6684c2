using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;
using L402Train.PeerAgent.Bounties;

namespace L402Train.Attacks.Arena;

/// <summary>
/// An agent as an attacker runs one: its own simnet wallet, an HTTP client whose L402 handler pays
/// the download fee and locks the hold deposit, the downloaded bounty on disk, and a record of every
/// submission it filed and every request the API refused.
/// </summary>
public sealed class AttackAgent
{
    private static readonly TimeSpan VerdictTimeout = TimeSpan.FromSeconds(120);
    private readonly AttackArena arena;
    private readonly string folder;
    private readonly List<SubmissionRecord> submissions = [];
    private readonly List<string> refusals = [];
    private int downloads;

    internal AttackAgent(string name, SimnetNode wallet, AttackArena arena, string folder)
    {
        Name = name;
        Wallet = wallet;
        this.arena = arena;
        this.folder = folder;
        Http = new HttpClient(new L402PaymentHandler(wallet, new L402ClientOptions { Budget = new L402Budget(new Sats(AttackArena.AgentFundingSats)) })
        {
            InnerHandler = new SocketsHttpHandler(),
        }) { BaseAddress = arena.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        Client = new BountyClient(Http);
    }

    /// <summary>The name it submits under.</summary>
    public string Name { get; }

    /// <summary>Its wallet.</summary>
    public SimnetNode Wallet { get; }

    /// <summary>Its paying HTTP client (the silo's base address).</summary>
    public HttpClient Http { get; }

    /// <summary>The typed bounty client over <see cref="Http"/>.</summary>
    public BountyClient Client { get; }

    /// <summary>The bounty's id.</summary>
    public string BountyId => arena.BountyId;

    /// <summary>Every submission it filed, with its verdict.</summary>
    public IReadOnlyList<SubmissionRecord> Submissions => submissions;

    /// <summary>Every request the API answered with a 4xx instead of filing it.</summary>
    public IReadOnlyList<string> Refusals => refusals;

    /// <summary>Pays for <c>GET /bounty/{id}</c> and unpacks the current best into a fresh folder (evaluated locally on this host, as an agent does).</summary>
    public async Task<BountyWorkspace> DownloadAsync(CancellationToken cancellationToken)
    {
        var paid = await Client.GetAsync(BountyId, cancellationToken);
        var into = Path.Combine(folder, $"v{paid.Bounty.Version}-{++downloads}");
        return BountyWorkspace.Unpack(paid.Bounty, into, sandbox: null, arena.Time);
    }

    /// <summary>Files <paramref name="diff"/> behind a hold deposit and answers at once (202), without waiting for the verdict.</summary>
    public Task<FiledSubmission> FileAsync(string diff, int baseVersion, CancellationToken cancellationToken, double? claimedScore = null) =>
        Client.SubmitAsync(BountyId, diff, baseVersion, claimedScore, nonce: null, Name, cancellationToken);

    /// <summary>Files <paramref name="diff"/>, waits for the verdict, claims any reward and waits for the deposit to resolve; a 4xx is recorded as a refusal.</summary>
    public async Task<SubmissionRecord?> SubmitAsync(string diff, int baseVersion, CancellationToken cancellationToken, double? claimedScore = null)
    {
        FiledSubmission filed;
        try
        {
            filed = await FileAsync(diff, baseVersion, cancellationToken, claimedScore);
        }
        catch (BountyApiException refused) when ((int?)refused.StatusCode is >= 400 and < 500)
        {
            Refuse(refused.Message);
            return null;
        }
        return await FollowAsync(filed, cancellationToken);
    }

    /// <summary>Waits for the verdict of <paramref name="filed"/> (long polls), claims the reward an attacker would, and waits until the deposit's HTLC resolved.</summary>
    public async Task<SubmissionRecord> FollowAsync(FiledSubmission filed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filed);
        var id = filed.Submitted.SubmissionId;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(VerdictTimeout);
        var view = await Client.SubmissionAsync(BountyId, id, TimeSpan.Zero, timeout.Token);
        while (!view.IsDecided) view = await Client.SubmissionAsync(BountyId, id, TimeSpan.FromSeconds(30), timeout.Token);
        if (view.ClaimableSats > 0)
        {
            var invoice = await Wallet.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(view.ClaimableSats).ToMilliSats(), $"reward {id[..12]}", TimeSpan.FromHours(1)), timeout.Token);
            await Client.ClaimAsync(BountyId, id, invoice.PaymentRequest, filed.DepositCredential, timeout.Token);
        }
        // The deposit's HTLC settles (forfeited) or is cancelled (refunded) by a job after the verdict: the wallet's payment completes then.
        string money = "none";
        if (filed.Deposit is { } pending)
        {
            var payment = await pending.Completion.WaitAsync(timeout.Token);
            money = payment.Status == PaymentStatus.Succeeded ? "forfeited" : "refunded";
        }
        var record = new SubmissionRecord(Name, id, view.Status, view.Reason ?? "", view.Detail, view.RewardSats, view.Deposit, money,
            view.DecidedAt is { } decided ? decided - view.ReceivedAt : TimeSpan.Zero, filed, view);
        lock (submissions) submissions.Add(record);
        return record;
    }

    /// <summary>Records a request the API refused (a 4xx) before or instead of filing a submission.</summary>
    public void Refuse(string what)
    {
        lock (refusals) refusals.Add(what);
    }

    /// <summary>What the wallet holds now, once no payment of it is in flight.</summary>
    public async Task<long> BalanceSatsAsync(CancellationToken cancellationToken)
    {
        var balance = await Wallet.GetBalanceAsync(cancellationToken);
        if (balance.PendingOutgoing != MilliSats.Zero) throw new InvalidOperationException($"{Name} still has {balance.PendingOutgoing} in flight");
        return balance.Local.ToSatsFloor().Value;
    }
}
