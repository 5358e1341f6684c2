namespace L402Train.Lightning.Bolt11;

/// <summary>One hop of a BOLT11 route hint (<c>r</c> field): a private channel into the payee.</summary>
/// <param name="NodeId">The hop's node.</param>
/// <param name="ShortChannelId">The channel, as block height, transaction index and output packed in 64 bits.</param>
/// <param name="FeeBaseMsat">Base fee in millisatoshis.</param>
/// <param name="FeeProportionalMillionths">Proportional fee in millionths.</param>
/// <param name="CltvExpiryDelta">CLTV delta in blocks.</param>
public sealed record RouteHintHop(NodeId NodeId, ulong ShortChannelId, uint FeeBaseMsat, uint FeeProportionalMillionths, ushort CltvExpiryDelta)
{
    /// <summary>The short channel id as "block x tx x output".</summary>
    public string ShortChannelIdText => $"{ShortChannelId >> 40}x{(ShortChannelId >> 16) & 0xFFFFFF}x{ShortChannelId & 0xFFFF}";
}

/// <summary>An on-chain fallback address (<c>f</c> field).</summary>
/// <param name="Version">0–16: segwit witness version; 17: P2PKH; 18: P2SH.</param>
/// <param name="Program">The witness program or the 20-byte hash.</param>
public sealed record FallbackAddress(int Version, ReadOnlyMemory<byte> Program);

/// <summary>The tag letters of BOLT11 tagged fields and their 5-bit codes.</summary>
internal static class Bolt11Tag
{
    public const byte PaymentHash = 1;      // p
    public const byte RouteHint = 3;        // r
    public const byte Features = 5;         // 9
    public const byte Expiry = 6;           // x
    public const byte Fallback = 9;         // f
    public const byte Description = 13;     // d
    public const byte PaymentSecret = 16;   // s
    public const byte PayeeNodeKey = 19;    // n
    public const byte DescriptionHash = 23; // h
    public const byte MinFinalCltv = 24;    // c
    public const byte Metadata = 27;        // m
}

/// <summary>Feature bits BOLT 9 defines for invoices; an unknown even (required) bit makes an invoice unpayable.</summary>
internal static class Bolt11Features
{
    /// <summary>var_onion_optin, payment_secret, basic_mpp, option_route_blinding, option_payment_metadata, both parities.</summary>
    private static readonly HashSet<int> Known = [8, 9, 14, 15, 16, 17, 24, 25, 48, 49];

    public static bool IsUnknownRequired(int bit) => bit % 2 == 0 && !Known.Contains(bit);
}
