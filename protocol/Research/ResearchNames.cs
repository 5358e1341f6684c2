namespace L402Train.Protocol.Research;

/// <summary>The fixed names of the research track's documents.</summary>
public static class ResearchNames
{
    /// <summary>The ERC-8004 registration file type.</summary>
    public const string RegistrationType = "https://eips.ethereum.org/EIPS/eip-8004#registration-v1";

    /// <summary>The <c>services[]</c> name of a worker's paid experiment endpoint.</summary>
    public const string ExperimentService = "autoresearch";

    /// <summary>The <c>services[]</c> name of the capability entry (the seed reads skills from it).</summary>
    public const string OasfService = "OASF";

    /// <summary>The OASF skill a worker advertises and the seed's discovery searches for.</summary>
    public const string ModelVersioningSkill = "devops_mlops/model_versioning";

    /// <summary>The protocol filter of the index (<c>?protocol=OASF</c>).</summary>
    public const string OasfProtocol = "OASF";

    /// <summary>The signature scheme: LND's <c>signmessage</c>.</summary>
    public const string SignatureScheme = "lnd-signmessage";

    /// <summary>Where a worker serves its registration.</summary>
    public const string RegistrationPath = "/.well-known/agent-registration.json";
}
