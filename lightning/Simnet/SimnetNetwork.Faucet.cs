using System.Globalization;

namespace L402Train.Lightning.Simnet;

public sealed partial class SimnetNetwork
{
    private const string FaucetKind = "faucet";

    private readonly List<SimnetFaucetGrant> faucetGrants = [];

    /// <summary>
    /// The development faucet: creates node <paramref name="name"/> with a channel to the coordinator
    /// holding <paramref name="balance"/> on each side, and records the grant in the same write, so
    /// whoever keeps the coordinator's books can count the coordinator's side as money that came in
    /// (see <see cref="FaucetGrants"/>). Throws <see cref="InvalidOperationException"/> when the
    /// name is taken and <see cref="LightningException"/> when the network would hold more than 21M BTC.
    /// </summary>
    public SimnetFaucetGrant FundFromFaucet(string name, Sats balance)
    {
        ValidateName(name);
        if (name == CoordinatorName) throw new ArgumentException("The coordinator cannot open a channel to itself.", nameof(name));
        lock (gate)
        {
            if (nodes.ContainsKey(name)) throw new InvalidOperationException($"A simnet node named '{name}' already exists.");
            // Checked before the node exists, so a refused grant leaves nothing behind.
            CheckRoomFor(checked(balance.ToMilliSats().Value * 2));
            AddNode(name);
            var channelId = OpenChannelLocked(CoordinatorName, name, balance.ToMilliSats(), balance.ToMilliSats());
            var grant = new SimnetFaucetGrant(name, channelId, balance, Time.GetUtcNow());
            store?.Put(FaucetKind, channelId.ToString(CultureInfo.InvariantCulture), new FaucetRecord
            {
                Node = name,
                ChannelId = channelId,
                AmountSat = balance.Value,
                At = grant.At,
            });
            faucetGrants.Add(grant);
            Commit();
            return grant;
        }
    }

    /// <summary>Every grant of the faucet, oldest first: the coordinator's side of each is capital it received.</summary>
    public IReadOnlyList<SimnetFaucetGrant> FaucetGrants
    {
        get { lock (gate) return [.. faucetGrants]; }
    }

    private void LoadFaucetGrants(SimnetStore source)
    {
        foreach (var record in source.Load<FaucetRecord>(FaucetKind).OrderBy(r => r.ChannelId))
        {
            if (!BitcoinSupply.IsValidSats(record.AmountSat))
                throw new SimnetStateException($"faucet grant of channel {record.ChannelId} is {record.AmountSat} sat, outside 0 to 21M BTC");
            faucetGrants.Add(new SimnetFaucetGrant(record.Node, record.ChannelId, new Sats(record.AmountSat), record.At));
        }
    }

    /// <summary>Refuses new funds that would take the network above 21M BTC: no sum of balances can then overflow.</summary>
    private void CheckRoomFor(long addedMsat)
    {
        var total = TotalFundsLocked();
        if (addedMsat < 0 || addedMsat > BitcoinSupply.MaxMilliSats.Value - total)
            throw new LightningException($"the simnet would hold more than 21,000,000 BTC: it holds {total / 1000} sat and {addedMsat / 1000} sat more were asked for.");
    }

    // Exact while the invariant holds (every balance and the whole network at most 21M BTC); checked against a bad state.
    private long TotalFundsLocked() => checked(channels.Values.Sum(c => c.BalanceAMsat + c.BalanceBMsat) + htlcs.Values.Sum(h => h.AmountMsat));

    /// <summary>Checks what was loaded: a state no operation could produce (from an older version or edited by hand) stops start-up, naming the cause.</summary>
    private void ValidateLoadedState()
    {
        foreach (var channel in channels.Values)
        {
            if (!BitcoinSupply.IsValidMilliSats(channel.BalanceAMsat) || !BitcoinSupply.IsValidMilliSats(channel.BalanceBMsat))
                throw new SimnetStateException($"channel {channel.Id} ({channel.NodeA}–{channel.NodeB}) holds {channel.BalanceAMsat} and {channel.BalanceBMsat} msat, outside 0 to 21M BTC");
            if (!nodes.ContainsKey(channel.NodeA) || !nodes.ContainsKey(channel.NodeB))
                throw new SimnetStateException($"channel {channel.Id} joins a node that does not exist");
        }
        foreach (var htlc in htlcs.Values)
        {
            if (!BitcoinSupply.IsValidMilliSats(htlc.AmountMsat) || !channels.ContainsKey(htlc.ChannelId))
                throw new SimnetStateException($"HTLC {htlc.Id} of {htlc.AmountMsat} msat on channel {htlc.ChannelId} is invalid");
        }
        decimal total = channels.Values.Sum(c => (decimal)c.BalanceAMsat + c.BalanceBMsat) + htlcs.Values.Sum(h => (decimal)h.AmountMsat);
        if (total > BitcoinSupply.MaxMilliSats.Value)
            throw new SimnetStateException($"the network holds {total / 1000:0} sat in all, more than 21,000,000 BTC");
    }
}

/// <summary>One grant of the development faucet: a node created with a channel to the coordinator.</summary>
/// <param name="Node">The funded node.</param>
/// <param name="ChannelId">Its channel to the coordinator (unique: a grant's key).</param>
/// <param name="Amount">What each side of the channel received; the coordinator's side is new capital.</param>
/// <param name="At">When.</param>
public sealed record SimnetFaucetGrant(string Node, long ChannelId, Sats Amount, DateTimeOffset At);

/// <summary>The stored simnet state cannot be loaded; the message says why in one line.</summary>
public sealed class SimnetStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SimnetStateException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public SimnetStateException() : base("The stored simnet state is invalid.") { }

    /// <summary>Creates the exception.</summary>
    public SimnetStateException(string message) : base(message) { }
}

internal sealed class FaucetRecord
{
    public string Node { get; set; } = "";
    public long ChannelId { get; set; }
    public long AmountSat { get; set; }
    public DateTimeOffset At { get; set; }
}
