using System.Security.Cryptography;
using L402Train.Lightning.Facade;
using L402Train.Lightning.Secp256k1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace L402Train.Lightning.Simnet;

/// <summary>
/// The embedded Lightning network: named nodes with secp256k1 keys, channels with balances on
/// both sides, payments over routes of channels (the <c>coordinator</c> node is the hub), hold
/// invoices whose HTLCs expire on the injected clock, and durable state. One lock guards the
/// whole network: every operation is short and in memory, and a single order of events keeps
/// balances exactly conserved.
/// </summary>
public sealed partial class SimnetNetwork : IDisposable
{
    /// <summary>The coordinator's own node: every node created with <see cref="CreateFundedNode"/> gets a channel to it.</summary>
    public const string CoordinatorName = "coordinator";

    private const string MetaKind = "meta", NodeKind = "node", ChannelKind = "channel", HtlcKind = "htlc", InvoiceKind = "invoice", PaymentKind = "payment";

    private readonly Lock gate = new();
    private bool disposed;
    private readonly SimnetStore? store;
    private readonly ILogger logger;
    private readonly NetworkMeta meta;
    private readonly Dictionary<string, SimnetNodeEntry> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeId, string> nodesById = [];
    private readonly Dictionary<long, ChannelRecord> channels = [];
    private readonly Dictionary<string, List<ChannelRecord>> channelsByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<long, HtlcRecord> htlcs = [];
    private readonly Dictionary<(long Channel, string From), int> pendingByDirection = [];
    private readonly Dictionary<(string Node, string Hash), InvoiceRecord> invoices = [];
    private readonly Dictionary<(string Payer, string Hash), PaymentRecord> payments = [];

    /// <summary>Opens (or creates) a network. With <see cref="SimnetOptions.Store"/> its state is reloaded from the store.</summary>
    public SimnetNetwork(SimnetOptions? options = null, TimeProvider? timeProvider = null, ILogger<SimnetNetwork>? logger = null)
    {
        Options = options ?? new SimnetOptions();
        Time = timeProvider ?? TimeProvider.System;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        Engine = Options.Engine ?? Secp256k1Engine.Default;
        expiryTimer = Time.CreateTimer(_ => OnExpiryTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Options.Store is { } backing)
        {
            var path = backing.Location;
            try
            {
                store = new SimnetStore(backing);
                meta = store.Load<NetworkMeta>(MetaKind).SingleOrDefault() ?? new NetworkMeta { Genesis = Time.GetUtcNow() };
                LoadRecords(store);
                ValidateLoadedState();
            }
            catch (Exception e) when (e is SimnetStateException or System.Text.Json.JsonException or System.Data.Common.DbException or InvalidOperationException or OverflowException or ArgumentException or KeyNotFoundException)
            {
                store?.Dispose();
                expiryTimer.Dispose();
                // One line an operator can act on: what is wrong, and that the file can be moved aside.
                throw new SimnetStateException($"{path}: the stored simnet state cannot be loaded ({e.Message.ReplaceLineEndings(" ")}); "
                    + $"move the file aside (e.g. mv {path} {path}.bad) to start a fresh simnet", e);
            }
        }
        else
        {
            meta = new NetworkMeta { Genesis = Time.GetUtcNow() };
        }
        lock (gate)
        {
            if (!nodes.ContainsKey(CoordinatorName)) AddNode(CoordinatorName);
            Commit();
            RescheduleExpiry();
        }
        this.logger.LogInformation("simnet: {Nodes} nodes, {Channels} channels, secp256k1 engine {Engine}, storage {Storage}",
            nodes.Count, channels.Count, Engine.Name, store?.Location ?? "in memory");
        ProcessExpiry();
    }

    /// <summary>The options the network runs with.</summary>
    public SimnetOptions Options { get; }

    /// <summary>The clock driving block height and expiry.</summary>
    public TimeProvider Time { get; }

    /// <summary>The secp256k1 engine signing and checking invoices.</summary>
    public Secp256k1Engine Engine { get; }

    /// <summary>The coordinator's node.</summary>
    public SimnetNode Coordinator => GetNode(CoordinatorName);

    /// <summary>The current block height: genesis height plus one block per <see cref="SimnetOptions.BlockInterval"/> since genesis.</summary>
    public long BlockHeight => HeightAt(Time.GetUtcNow());

    private long HeightAt(DateTimeOffset time) =>
        Options.GenesisHeight + Math.Max(0, (time - meta.Genesis).Ticks / Options.BlockInterval.Ticks);

    private DateTimeOffset TimeOfHeight(long height) =>
        meta.Genesis + TimeSpan.FromTicks((height - Options.GenesisHeight) * Options.BlockInterval.Ticks);

    /// <summary>Names of all nodes.</summary>
    public IReadOnlyList<string> NodeNames
    {
        get { lock (gate) return [.. nodes.Keys.Order(StringComparer.Ordinal)]; }
    }

    /// <summary>A node by name; throws <see cref="KeyNotFoundException"/> when there is none.</summary>
    public SimnetNode GetNode(string name)
    {
        lock (gate)
        {
            return nodes.TryGetValue(name, out var entry) ? entry.Handle : throw new KeyNotFoundException($"No simnet node named '{name}'.");
        }
    }

    /// <summary>A node by name, or null.</summary>
    public SimnetNode? FindNode(string name)
    {
        lock (gate) return nodes.TryGetValue(name, out var entry) ? entry.Handle : null;
    }

    /// <summary>Creates a node without channels. Names are 1–64 characters of letters, digits, '-' and '_'.</summary>
    public SimnetNode CreateNode(string name)
    {
        ValidateName(name);
        lock (gate)
        {
            if (nodes.ContainsKey(name)) throw new InvalidOperationException($"A simnet node named '{name}' already exists.");
            var entry = AddNode(name);
            Commit();
            return entry.Handle;
        }
    }

    /// <summary>
    /// Creates a node (or reuses an existing one) with a channel to the coordinator holding
    /// <paramref name="balance"/> on each side, so it can pay and be paid right away.
    /// </summary>
    public SimnetNode CreateFundedNode(string name, Sats balance)
    {
        ValidateName(name);
        if (name == CoordinatorName) throw new ArgumentException("The coordinator cannot open a channel to itself.", nameof(name));
        lock (gate)
        {
            CheckRoomFor(checked(balance.ToMilliSats().Value * 2));
            var entry = nodes.TryGetValue(name, out var existing) ? existing : AddNode(name);
            OpenChannelLocked(CoordinatorName, name, balance.ToMilliSats(), balance.ToMilliSats());
            Commit();
            return entry.Handle;
        }
    }

    /// <summary>Opens a channel between two existing nodes with the given balance on each side; returns its id.</summary>
    public long OpenChannel(string nodeA, string nodeB, MilliSats balanceA, MilliSats balanceB)
    {
        lock (gate)
        {
            if (!nodes.ContainsKey(nodeA)) throw new KeyNotFoundException($"No simnet node named '{nodeA}'.");
            if (!nodes.ContainsKey(nodeB)) throw new KeyNotFoundException($"No simnet node named '{nodeB}'.");
            if (nodeA == nodeB) throw new ArgumentException("A channel joins two different nodes.", nameof(nodeB));
            var id = OpenChannelLocked(nodeA, nodeB, balanceA, balanceB);
            Commit();
            return id;
        }
    }

    /// <summary>The channels of a node: id, peer name, local and remote balance, pending HTLCs each way.</summary>
    public IReadOnlyList<SimnetChannelInfo> ListChannels(string node)
    {
        lock (gate)
        {
            RequireNode(node);
            return [.. channelsByNode[node].Select(c => new SimnetChannelInfo(
                c.Id, c.Other(node), new MilliSats(c.BalanceOf(node)), new MilliSats(c.BalanceOf(c.Other(node))),
                PendingCount(c.Id, node), PendingCount(c.Id, c.Other(node))))];
        }
    }

    /// <summary>Total msat held by all channel sides and pending HTLCs: constant unless channels are opened.</summary>
    public MilliSats TotalFunds
    {
        get
        {
            lock (gate) return new MilliSats(TotalFundsLocked());
        }
    }

    private int PendingCount(long channelId, string from) => pendingByDirection.GetValueOrDefault((channelId, from));

    private void AddHtlc(HtlcRecord htlc)
    {
        htlcs[htlc.Id] = htlc;
        pendingByDirection[(htlc.ChannelId, htlc.From)] = PendingCount(htlc.ChannelId, htlc.From) + 1;
    }

    private void DropHtlc(HtlcRecord htlc)
    {
        htlcs.Remove(htlc.Id);
        pendingByDirection[(htlc.ChannelId, htlc.From)] = PendingCount(htlc.ChannelId, htlc.From) - 1;
        Remove(htlc);
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException("A node name is 1–64 characters of letters, digits, '-' and '_'.", nameof(name));
    }

    private SimnetNodeEntry RequireNode(string name) =>
        nodes.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"No simnet node named '{name}'.");

    private SimnetNodeEntry AddNode(string name)
    {
        var key = NodeKey.Generate(Engine);
        var record = new NodeRecord
        {
            Name = name,
            SecretKeyHex = key.ToSecretHex(),
            MacaroonHex = Convert.ToHexStringLower(SimnetMacaroon.Create(name, RandomNumberGenerator.GetBytes(32))),
            CreatedAt = Time.GetUtcNow(),
        };
        store?.Put(NodeKind, name, record);
        return Register(record);
    }

    private SimnetNodeEntry Register(NodeRecord record)
    {
        var key = NodeKey.FromHex(record.SecretKeyHex, Engine);
        var entry = new SimnetNodeEntry(record, key, new SimnetNode(this, record.Name, key.Id, record.MacaroonHex));
        nodes[record.Name] = entry;
        nodesById[key.Id] = record.Name;
        channelsByNode.TryAdd(record.Name, []);
        return entry;
    }

    private long OpenChannelLocked(string a, string b, MilliSats balanceA, MilliSats balanceB)
    {
        CheckRoomFor(checked(balanceA.Value + balanceB.Value));
        var channel = new ChannelRecord { Id = meta.NextChannelId++, NodeA = a, NodeB = b, BalanceAMsat = balanceA.Value, BalanceBMsat = balanceB.Value };
        IndexChannel(channel);
        Save(channel);
        store?.Put(MetaKind, "meta", meta);
        return channel.Id;
    }

    private void IndexChannel(ChannelRecord channel)
    {
        channels[channel.Id] = channel;
        channelsByNode[channel.NodeA].Add(channel);
        channelsByNode[channel.NodeB].Add(channel);
    }

    private void LoadRecords(SimnetStore source)
    {
        foreach (var node in source.Load<NodeRecord>(NodeKind)) Register(node);
        foreach (var channel in source.Load<ChannelRecord>(ChannelKind)) IndexChannel(channel);
        foreach (var htlc in source.Load<HtlcRecord>(HtlcKind)) AddHtlc(htlc);
        foreach (var invoice in source.Load<InvoiceRecord>(InvoiceKind).OrderBy(i => i.AddIndex))
        {
            invoices[(invoice.Node, invoice.Hash)] = invoice;
            IndexInvoice(invoice);
        }
        foreach (var payment in source.Load<PaymentRecord>(PaymentKind)) payments[(payment.Payer, payment.Hash)] = payment;
        LoadFaucetGrants(source);
    }

    private void Save(ChannelRecord channel) => store?.Put(ChannelKind, channel.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), channel);
    private void Save(HtlcRecord htlc) => store?.Put(HtlcKind, htlc.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), htlc);
    private void Remove(HtlcRecord htlc) => store?.Delete(HtlcKind, htlc.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    private void Save(InvoiceRecord invoice) => store?.Put(InvoiceKind, invoice.Node + "/" + invoice.Hash, invoice);
    private void Save(PaymentRecord payment) => store?.Put(PaymentKind, payment.Payer + "/" + payment.Hash, payment);

    /// <summary>Writes this operation's changes in one transaction (no-op in memory).</summary>
    private void Commit()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        store?.Put(MetaKind, "meta", meta);
        store?.Flush();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        expiryTimer.Dispose();
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            foreach (var subscribers in invoiceSubscribers.Values) foreach (var s in subscribers) s.TryComplete();
            foreach (var subscribers in paymentSubscribers.Values) foreach (var s in subscribers) s.TryComplete();
            store?.Dispose();
        }
    }

    private sealed record SimnetNodeEntry(NodeRecord Record, NodeKey Key, SimnetNode Handle);
}

/// <summary>A channel as one of its nodes sees it.</summary>
/// <param name="ChannelId">The channel id.</param>
/// <param name="Peer">The other node's name.</param>
/// <param name="Local">What this node can spend.</param>
/// <param name="Remote">What the peer can spend.</param>
/// <param name="PendingOutgoingHtlcs">HTLCs this node has offered and not yet resolved.</param>
/// <param name="PendingIncomingHtlcs">HTLCs the peer has offered and not yet resolved.</param>
public sealed record SimnetChannelInfo(long ChannelId, string Peer, MilliSats Local, MilliSats Remote, int PendingOutgoingHtlcs, int PendingIncomingHtlcs);
