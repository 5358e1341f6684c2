namespace L402Train.L402.Caveats;

/// <summary>The caveat conditions this project mints and understands.</summary>
public static class L402CaveatNames
{
    /// <summary><c>services=name:tier,...</c>: which services the token is for.</summary>
    public const string Services = "services";

    /// <summary>Suffix of <c>&lt;service&gt;_capabilities=a,b</c>: what the token may do at the service.</summary>
    public const string CapabilitiesSuffix = "_capabilities";

    /// <summary>Suffix of <c>&lt;service&gt;_valid_until=&lt;unix seconds&gt;</c>: when the token expires.</summary>
    public const string ValidUntilSuffix = "_valid_until";

    /// <summary><c>mode=hold</c>: a single-use token paid by a hold invoice.</summary>
    public const string Mode = "mode";

    /// <summary>The only value of <see cref="Mode"/>.</summary>
    public const string HoldMode = "hold";
}
