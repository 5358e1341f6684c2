using System.Globalization;
using L402Train.L402.Caveats;
using L402Train.L402.Challenges;
using L402Train.L402.Macaroons;
using L402Train.L402.Tokens;
using L402Train.Lightning;

namespace L402Train.L402.Gate;

/// <summary>
/// Mints L402 challenges and verifies credentials. Standard tokens are verified without any
/// Lightning call or storage read (Aperture's order: identifier, preimage, root key, signature,
/// caveats) plus an in-memory revocation check; hold tokens additionally need their hold
/// invoice ACCEPTED on the node and are consumed once through <see cref="IHoldTokenRegistry"/>.
/// </summary>
public sealed class L402Gate
{
    private readonly ILightningNode node;
    private readonly RootKeyRing keys;
    private readonly TimeProvider time;
    private readonly ITokenRevocationList revocations;
    private readonly IHoldTokenRegistry holdTokens;
    private readonly CaveatVerifier caveatVerifier;
    private readonly VerifiedCredentialCache verified;
    private readonly IL402ChallengeObserver[] observers;
    private const int MaxCachedCredentialLength = 1024;

    /// <summary>Creates the gate.</summary>
    public L402Gate(
        ILightningNode node,
        RootKeyRing keys,
        L402GateOptions options,
        TimeProvider time,
        ITokenRevocationList revocations,
        IHoldTokenRegistry holdTokens,
        CaveatVerifier? caveatVerifier = null,
        IEnumerable<IL402ChallengeObserver>? observers = null)
    {
        this.node = node ?? throw new ArgumentNullException(nameof(node));
        this.keys = keys ?? throw new ArgumentNullException(nameof(keys));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.revocations = revocations ?? throw new ArgumentNullException(nameof(revocations));
        this.holdTokens = holdTokens ?? throw new ArgumentNullException(nameof(holdTokens));
        this.caveatVerifier = caveatVerifier ?? new CaveatVerifier();
        verified = new VerifiedCredentialCache(options.VerifiedCredentialCacheSize);
        this.observers = [.. observers ?? []];
    }

    /// <summary>The gate's settings.</summary>
    public L402GateOptions Options { get; }

    /// <summary>The gate's clock.</summary>
    public TimeProvider Time => time;

    /// <summary>The keyring (e.g. to derive a hold token's preimage when settling its deposit).</summary>
    public RootKeyRing Keys => keys;

    /// <summary>Creates the invoice (plain, or hold with a derived preimage) and mints the token bound to it.</summary>
    public async Task<L402IssuedChallenge> IssueChallengeAsync(
        Sats price,
        string capability,
        L402Mode mode,
        IReadOnlyList<KeyValuePair<string, string>> scope,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (price.Value <= 0) throw new ArgumentOutOfRangeException(nameof(price), "An L402 price must be at least 1 sat: clients refuse amountless invoices.");
        var memo = $"{Options.InvoiceMemoPrefix} {capability}";
        var tokenId = keys.NewTokenId();
        Invoice invoice;
        if (mode == L402Mode.Hold)
        {
            var preimage = keys.DeriveHoldPreimage(tokenId)!.Value;
            invoice = await node.CreateHoldInvoiceAsync(
                new CreateHoldInvoiceRequest(preimage.Hash, price.ToMilliSats(), memo, Options.InvoiceExpiry, Options.HoldInvoiceCltvExpiry),
                cancellationToken);
        }
        else
        {
            invoice = await node.CreateInvoiceAsync(new CreateInvoiceRequest(price.ToMilliSats(), memo, Options.InvoiceExpiry), cancellationToken);
        }
        var validity = mode == L402Mode.Hold ? Options.HoldTokenValidity : Options.TokenValidity;
        var macaroon = MintMacaroon(invoice.Hash, tokenId, capability, mode, scope, time.GetUtcNow() + validity);
        var challenge = new L402Challenge(macaroon.ToBase64(), invoice.PaymentRequest);
        var issued = new L402IssuedChallenge(challenge, macaroon, tokenId, invoice.Hash, price, mode, invoice.ExpiresAt);
        L402Metrics.ChallengeIssued(capability, mode);
        foreach (var observer in observers) await observer.ChallengeIssuedAsync(issued, capability, cancellationToken);
        return issued;
    }

    /// <summary>
    /// Mints the macaroon of a token: <c>services=&lt;service&gt;:0</c>, <c>&lt;service&gt;_capabilities</c>,
    /// <c>&lt;service&gt;_valid_until</c>, the scope caveats, and <c>mode=hold</c> for hold tokens.
    /// </summary>
    public Macaroon MintMacaroon(
        PaymentHash paymentHash,
        TokenId tokenId,
        string capability,
        L402Mode mode,
        IReadOnlyList<KeyValuePair<string, string>> scope,
        DateTimeOffset validUntil)
    {
        ArgumentException.ThrowIfNullOrEmpty(capability);
        ArgumentNullException.ThrowIfNull(scope);
        if (capability.Contains(',', StringComparison.Ordinal)) throw new ArgumentException("A capability must not contain ','.", nameof(capability));
        Span<byte> rootKey = stackalloc byte[32];
        if (!keys.TryDeriveRootKey(tokenId, rootKey)) throw new ArgumentException("The token id's key is not in the keyring.", nameof(tokenId));
        var service = Options.ServiceName;
        var macaroon = Macaroon.Mint(rootKey, new TokenIdentifier(paymentHash, tokenId).Encode(), Options.Location)
            .WithFirstPartyCaveat($"{L402CaveatNames.Services}={service}:0")
            .WithFirstPartyCaveat($"{service}{L402CaveatNames.CapabilitiesSuffix}={capability}")
            .WithFirstPartyCaveat($"{service}{L402CaveatNames.ValidUntilSuffix}={validUntil.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}");
        foreach (var (key, value) in scope)
        {
            if (IsReservedCondition(key) || key.Length == 0 || key.Contains('=', StringComparison.Ordinal))
                throw new ArgumentException($"'{key}' cannot be a scope key.", nameof(scope));
            macaroon = macaroon.WithFirstPartyCaveat($"{key}={value}");
        }
        if (mode == L402Mode.Hold) macaroon = macaroon.WithFirstPartyCaveat($"{L402CaveatNames.Mode}={L402CaveatNames.HoldMode}");
        return macaroon;
    }

    private bool IsReservedCondition(string key) =>
        key is L402CaveatNames.Services or L402CaveatNames.Mode
        || key.StartsWith(Options.ServiceName + "_", StringComparison.Ordinal);

    /// <summary>
    /// Checks the request's <c>Authorization</c> values: absent → 402, malformed → 400, then
    /// <see cref="VerifyAsync"/>. A standard credential verified once is remembered, so the
    /// next request with the same value re-checks only caveats and revocation.
    /// </summary>
    public async ValueTask<L402Verification> VerifyAuthorizationAsync(IReadOnlyList<string?> authorization, AccessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var verdict = await VerifyAuthorizationUntimedAsync(authorization, request, cancellationToken);
        L402Metrics.Verified(request.Capability, request.Hold, verdict.Outcome, time.GetElapsedTime(started));
        return verdict;
    }

    private async ValueTask<L402Verification> VerifyAuthorizationUntimedAsync(IReadOnlyList<string?> authorization, AccessRequest request, CancellationToken cancellationToken)
    {
        // Only short, single values are remembered: one paid token can be spelled many ways
        // (spaces, case, base64 variants), and the cache must stay small whatever a client sends.
        var single = authorization.Count == 1 && !request.Hold && authorization[0] is { Length: <= MaxCachedCredentialLength } value ? value : null;
        if (single is not null && verified.TryGet(single, out var known))
        {
            if (caveatVerifier.Verify(known!.Caveats, request) is { } failure) return L402Verification.Pay(failure);
            if (await revocations.IsRevokedAsync(known.TokenId, cancellationToken))
            {
                verified.Remove(single);
                return L402Verification.Pay("The token was revoked.");
            }
            return L402Verification.Accept(known);
        }

        var parsed = L402Credential.Parse(authorization, Options.MaxAuthorizationLength);
        switch (parsed.Status)
        {
            case CredentialParseStatus.Absent:
                return L402Verification.Pay("This endpoint requires an L402 payment.");
            case CredentialParseStatus.Malformed:
                return L402Verification.Bad(parsed.Error!);
            default:
                var verdict = await VerifyAsync(parsed.Credential!, request, cancellationToken);
                if (single is not null && verdict.Outcome == L402Outcome.Accepted) verified.Add(single, verdict.Token!);
                return verdict;
        }
    }

    /// <summary>
    /// Verifies a parsed credential for a request. Accepts when one of its macaroons passes;
    /// otherwise reports the first macaroon's failure.
    /// </summary>
    public async ValueTask<L402Verification> VerifyAsync(L402Credential credential, AccessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(request);
        L402Verification? first = null;
        foreach (var macaroon in credential.Macaroons)
        {
            var verdict = await VerifyOneAsync(macaroon, credential.Preimage, request, cancellationToken);
            if (verdict.Outcome == L402Outcome.Accepted) return verdict;
            first ??= verdict;
        }
        return first ?? L402Verification.Pay("The credential carries no macaroon.");
    }

    private async ValueTask<L402Verification> VerifyOneAsync(Macaroon macaroon, Preimage? preimage, AccessRequest request, CancellationToken cancellationToken)
    {
        if (!TokenIdentifier.TryDecode(macaroon.Identifier.Span, out var identifier, out var error))
            return L402Verification.Pay($"Not a token of this service: {error}");
        if (!request.Hold)
        {
            if (preimage is not { } p) return L402Verification.Pay("The credential has no preimage: pay the invoice and send '<macaroon>:<preimage hex>'.");
            Span<byte> hash = stackalloc byte[32];
            Sha256Digest.Hash(p.Bytes, hash);
            if (!hash.SequenceEqual(identifier!.PaymentHash.Bytes)) return L402Verification.Pay("The preimage does not match the token's payment hash.");
        }
        Span<byte> rootKey = stackalloc byte[32];
        if (!keys.TryDeriveRootKey(identifier!.TokenId, rootKey)) return L402Verification.Pay("The token was minted under a key this service no longer holds.");
        if (!macaroon.VerifySignature(rootKey)) return L402Verification.Pay("The token's signature is invalid.");
        if (!CaveatVerifier.TryReadCaveats(macaroon.Caveats, out var caveats, out error)) return L402Verification.Pay(error!);
        if (caveatVerifier.Verify(caveats, request) is { } failure) return L402Verification.Pay(failure);
        if (await revocations.IsRevokedAsync(identifier.TokenId, cancellationToken)) return L402Verification.Pay("The token was revoked.");

        if (request.Hold)
        {
            var held = await VerifyDepositAsync(identifier, caveats, cancellationToken);
            if (held is not null) return held;
        }
        var mode = request.Hold ? L402Mode.Hold : L402Mode.Standard;
        return L402Verification.Accept(new L402VerifiedToken(identifier.PaymentHash, identifier.TokenId, mode, caveats, request.Hold ? null : preimage, macaroon));
    }

    /// <summary>Null when the hold invoice is ACCEPTED and this call consumed the token.</summary>
    private async ValueTask<L402Verification?> VerifyDepositAsync(TokenIdentifier identifier, IReadOnlyList<Caveat> caveats, CancellationToken cancellationToken)
    {
        if (await holdTokens.IsConsumedAsync(identifier.TokenId, cancellationToken))
            return L402Verification.Used("This hold-mode token was already used; a deposit pays for one request.");
        var invoice = await node.LookupInvoiceAsync(identifier.PaymentHash, cancellationToken);
        switch (invoice?.State)
        {
            case null:
                return L402Verification.Pay("The deposit invoice is unknown to this node.");
            case InvoiceState.Open:
                return L402Verification.Pay("The deposit is not locked yet: pay the hold invoice, then retry while the payment is in flight.");
            case InvoiceState.Canceled:
                return L402Verification.Pay("The deposit invoice was cancelled or expired.");
            case InvoiceState.Settled:
                return L402Verification.Used("The deposit of this token was already settled.");
            default:
                break;
        }
        return await holdTokens.TryConsumeAsync(identifier.TokenId, identifier.PaymentHash, caveats, invoice!.AmountPaid.ToSatsFloor(), cancellationToken)
            ? null
            : L402Verification.Used("This hold-mode token was already used; a deposit pays for one request.");
    }
}
