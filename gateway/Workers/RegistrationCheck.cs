using L402Train.Lightning;
using L402Train.Lightning.Signing;
using L402Train.Protocol.Research;

namespace L402Train.Gateway.Workers;

/// <summary>Why the index refuses a registration: the HTTP status and the detail naming the field.</summary>
/// <param name="Status">400 for a malformed or stale document, 403 for a signature that is not the named node's.</param>
/// <param name="Detail">What is wrong and how to fix it.</param>
internal sealed record RegistrationProblem(int Status, string Detail);

/// <summary>
/// The index's checks of a posted registration: its shape (an experiment endpoint over http(s)), the signature
/// scheme, freshness of <c>signature.signed_at</c> against the index's clock, and that the signature over the
/// canonical form recovers to <c>signature.node_pubkey</c> (a forged or tampered document, or one signed by
/// another node, recovers to another key or none).
/// </summary>
internal static class RegistrationCheck
{
    /// <summary>The most a clock may run ahead of the index's.</summary>
    public static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(2);

    /// <summary>The problem with <paramref name="registration"/>, or null when the index may list it.</summary>
    public static RegistrationProblem? Check(AgentRegistration? registration, DateTimeOffset now, TimeSpan maxAge)
    {
        if (registration is null) return Bad("registration is required: the signed document the worker serves at " + ResearchNames.RegistrationPath + ".");
        if (registration.Type != ResearchNames.RegistrationType) return Bad($"registration.type must be \"{ResearchNames.RegistrationType}\".");
        if (string.IsNullOrWhiteSpace(registration.Name)) return Bad("registration.name is required.");
        if (registration.Services is not { Count: > 0 } services) return Bad("registration.services is required: at least the experiment endpoint.");
        var experiment = services.FirstOrDefault(s => s?.Name == ResearchNames.ExperimentService);
        if (experiment is null) return Bad($"registration.services needs an entry named \"{ResearchNames.ExperimentService}\" with the experiment endpoint.");
        if (!Uri.TryCreate(experiment.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            return Bad($"registration.services[{ResearchNames.ExperimentService}].endpoint must be an absolute http(s) URL.");
        if (registration.Signature is not { } signature) return Bad("registration.signature is required: sign the canonical form with the node key (docs/workers.md).");
        if (signature.Scheme != ResearchNames.SignatureScheme) return Bad($"registration.signature.scheme must be \"{ResearchNames.SignatureScheme}\".");
        NodeId claimed;
        try
        {
            claimed = NodeId.FromHex(signature.NodePubkey ?? "");
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return Bad("registration.signature.node_pubkey must be the node's 33-byte compressed public key in hex.");
        }
        if (string.IsNullOrEmpty(signature.Value)) return Bad("registration.signature.value is required: the z-base-32 signature LND's signmessage gives.");
        if (signature.SignedAt < now - maxAge)
            return Bad($"registration.signature.signed_at ({signature.SignedAt:O}) is stale: the index takes registrations signed within {maxAge.TotalMinutes:0} minutes; sign it again.");
        if (signature.SignedAt > now + FutureSkew)
            return Bad($"registration.signature.signed_at ({signature.SignedAt:O}) is in the future; check the worker's clock.");
        var signer = SignedMessage.Recover(RegistrationCanonicalForm.Bytes(registration), signature.Value);
        if (signer is null) return new(403, "registration.signature.value is not a valid signature of the registration's canonical form.");
        if (signer.Value != claimed)
            return new(403, $"registration.signature does not verify against node_pubkey {claimed}: the document was changed after signing, or another node ({signer.Value}) signed it.");
        return null;
    }

    private static RegistrationProblem Bad(string detail) => new(400, detail);
}
