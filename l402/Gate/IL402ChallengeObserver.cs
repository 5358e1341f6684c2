namespace L402Train.L402.Gate;

/// <summary>
/// Hears of every challenge the gate issues, before the 402 is written. A coordinator uses it to
/// watch standard invoices: a fee paid whose token is never presented still belongs in its ledger.
/// </summary>
public interface IL402ChallengeObserver
{
    /// <summary>Called once per issued challenge; a failure fails the request (nothing is promised to the client yet).</summary>
    Task ChallengeIssuedAsync(L402IssuedChallenge challenge, string capability, CancellationToken cancellationToken);
}
