namespace L402Train.L402.Gate;

/// <summary>Settings of the L402 gate.</summary>
public sealed class L402GateOptions
{
    /// <summary>The service name in <c>services=</c> and the caveat prefixes (default <c>l402train</c>).</summary>
    public string ServiceName { get; set; } = "l402train";

    /// <summary>The macaroon location hint (not signed).</summary>
    public string? Location { get; set; } = "l402train";

    /// <summary>How long a challenge's invoice may be paid.</summary>
    public TimeSpan InvoiceExpiry { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a standard token stays valid after it is minted (<c>&lt;service&gt;_valid_until</c>).</summary>
    public TimeSpan TokenValidity { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a hold-mode token stays valid (it is single-use anyway).</summary>
    public TimeSpan HoldTokenValidity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Final CLTV delta of hold invoices: bounds how long an accepted deposit can be held.</summary>
    public int HoldInvoiceCltvExpiry { get; set; } = 144;

    /// <summary>Longest <c>Authorization</c> value accepted; longer is a 400.</summary>
    public int MaxAuthorizationLength { get; set; } = Challenges.L402Credential.DefaultMaxLength;

    /// <summary>How many verified standard credentials (each at most 1 024 characters) to remember; 0 turns the cache off.</summary>
    public int VerifiedCredentialCacheSize { get; set; } = 20_000;

    /// <summary>Description written into invoices, followed by the capability.</summary>
    public string InvoiceMemoPrefix { get; set; } = "L402";
}
