using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.Lightning.Lnd;

// LND's REST JSON (grpc-gateway + protojson with UseProtoNames and EmitUnpopulated): snake_case,
// every field present, int64/uint64 as strings, int32 as numbers, bytes as standard base64,
// enums by name. Only the fields this project reads or writes are modelled; LND sends more,
// which readers ignore, while requests carry only known fields (LND rejects unknown ones).

/// <summary>JSON settings shared by the LND client and the simnet facade.</summary>
public static class LndJson
{
    /// <summary>Options for LND bodies: numbers may arrive as strings, nothing else is lenient.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Standard padded base64, as LND writes bytes in bodies.</summary>
    public static string EncodeBytes(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes);

    /// <summary>URL-safe base64 with padding, as LND needs bytes in paths and query strings.</summary>
    public static string EncodeUrlBytes(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes bytes as protojson does: standard or URL-safe alphabet, padded or not.</summary>
    public static byte[] DecodeBytes(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var normalized = text.Replace('-', '+').Replace('_', '/');
        normalized = normalized.PadRight(normalized.Length + (4 - normalized.Length % 4) % 4, '=');
        return Convert.FromBase64String(normalized);
    }
}

/// <summary>gRPC status as grpc-gateway renders errors.</summary>
public sealed class LndRpcStatus
{
    /// <summary>gRPC code (5 NOT_FOUND, 3 INVALID_ARGUMENT, ...).</summary>
    [JsonPropertyName("code")] public int Code { get; set; }
    /// <summary>LND's message.</summary>
    [JsonPropertyName("message")] public string Message { get; set; } = "";
    /// <summary>Always empty here.</summary>
    [JsonPropertyName("details")] public List<JsonElement> Details { get; set; } = [];
}

/// <summary>One chain a node runs on.</summary>
public sealed class LndChain
{
    /// <summary>"bitcoin".</summary>
    [JsonPropertyName("chain")] public string Chain { get; set; } = "bitcoin";
    /// <summary>"mainnet", "testnet", "regtest", "simnet".</summary>
    [JsonPropertyName("network")] public string Network { get; set; } = "";
}

/// <summary>GET /v1/getinfo.</summary>
public sealed class LndGetInfoResponse
{
    /// <summary>LND version string.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    /// <summary>Node public key, hex.</summary>
    [JsonPropertyName("identity_pubkey")] public string IdentityPubkey { get; set; } = "";
    /// <summary>Alias.</summary>
    [JsonPropertyName("alias")] public string Alias { get; set; } = "";
    /// <summary>Active channels.</summary>
    [JsonPropertyName("num_active_channels")] public int NumActiveChannels { get; set; }
    /// <summary>Peers.</summary>
    [JsonPropertyName("num_peers")] public int NumPeers { get; set; }
    /// <summary>Chain height.</summary>
    [JsonPropertyName("block_height")] public long BlockHeight { get; set; }
    /// <summary>Best block hash, hex.</summary>
    [JsonPropertyName("block_hash")] public string BlockHash { get; set; } = "";
    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("best_header_timestamp")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long BestHeaderTimestamp { get; set; }
    /// <summary>Synced to chain.</summary>
    [JsonPropertyName("synced_to_chain")] public bool SyncedToChain { get; set; }
    /// <summary>Synced to graph.</summary>
    [JsonPropertyName("synced_to_graph")] public bool SyncedToGraph { get; set; }
    /// <summary>Deprecated testnet flag.</summary>
    [JsonPropertyName("testnet")] public bool Testnet { get; set; }
    /// <summary>Chains.</summary>
    [JsonPropertyName("chains")] public List<LndChain> Chains { get; set; } = [];
    /// <summary>URIs.</summary>
    [JsonPropertyName("uris")] public List<string> Uris { get; set; } = [];
}

/// <summary>An amount as LND's Amount message: sat and msat, both uint64 strings.</summary>
public sealed class LndAmount
{
    /// <summary>Satoshis.</summary>
    [JsonPropertyName("sat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Sat { get; set; }
    /// <summary>Millisatoshis.</summary>
    [JsonPropertyName("msat")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Msat { get; set; }

    /// <summary>Builds both units from msat.</summary>
    public static LndAmount From(MilliSats amount) => new() { Sat = amount.Value / 1000, Msat = amount.Value };
}

/// <summary>GET /v1/balance/channels.</summary>
public sealed class LndChannelBalanceResponse
{
    /// <summary>Deprecated local balance in sat.</summary>
    [JsonPropertyName("balance")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long Balance { get; set; }
    /// <summary>Deprecated.</summary>
    [JsonPropertyName("pending_open_balance")][JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] public long PendingOpenBalance { get; set; }
    /// <summary>Spendable.</summary>
    [JsonPropertyName("local_balance")] public LndAmount LocalBalance { get; set; } = new();
    /// <summary>Receivable.</summary>
    [JsonPropertyName("remote_balance")] public LndAmount RemoteBalance { get; set; } = new();
    /// <summary>In outgoing HTLCs.</summary>
    [JsonPropertyName("unsettled_local_balance")] public LndAmount UnsettledLocalBalance { get; set; } = new();
    /// <summary>In incoming HTLCs.</summary>
    [JsonPropertyName("unsettled_remote_balance")] public LndAmount UnsettledRemoteBalance { get; set; } = new();
    /// <summary>Pending channel opens (always zero in simnet).</summary>
    [JsonPropertyName("pending_open_local_balance")] public LndAmount PendingOpenLocalBalance { get; set; } = new();
    /// <summary>Pending channel opens (always zero in simnet).</summary>
    [JsonPropertyName("pending_open_remote_balance")] public LndAmount PendingOpenRemoteBalance { get; set; } = new();
}
