using System.Net.Http.Json;
using L402Train.Lightning;

namespace L402Train.Attacks.Catalog;

/// <summary>Claims the leader's reward to its own invoice: with its own deposit credential, with the leader's read-only view, and with none.</summary>
public sealed class ClaimHijack : Attack
{
    /// <inheritdoc/>
    public override string Name => "claim-hijack";

    /// <inheritdoc/>
    public override string Trick => "files a throwaway submission to hold a deposit credential, then POSTs claim on the leader's accepted submission with that credential, with no credential, and with a forged one";

    /// <inheritdoc/>
    public override string Defence => "a claim needs the credential of the submission's own deposit (its payment hash is the submission id)";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var leader = await context.LeaderAsync();
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var own = await agent.SubmitAsync(Tampering.ConfigDiff(w, Tampering.Config(w) + "# throwaway\n"), w.Bounty.Version, cancellationToken)
            ?? throw new InvalidOperationException("the throwaway submission was refused");
        var forged = own.Filed.DepositCredential.Split(':')[0] + ":" + new string('0', 64);
        foreach (var credential in new[] { own.Filed.DepositCredential, null, forged })
        {
            var invoice = await agent.Wallet.CreateInvoiceAsync(new CreateInvoiceRequest(new Sats(leader.Record.View.ClaimableSats).ToMilliSats(), "hijack", TimeSpan.FromHours(1)), cancellationToken);
            using var http = new HttpClient { BaseAddress = context.Arena.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"bounty/{agent.BountyId}/submissions/{leader.Record.SubmissionId}/claim")
            {
                Content = JsonContent.Create(new { invoice = invoice.PaymentRequest }),
            };
            if (credential is not null) request.Headers.TryAddWithoutValidation("Authorization", credential);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode) throw new HijackedClaimException($"the leader's reward was claimed to the attacker's invoice with credential '{credential ?? "(none)"}'");
            agent.Refuse($"claim: {(int)response.StatusCode}");
        }
    }
}

/// <summary>The API paid a reward to someone who did not earn it: the attack got through.</summary>
public sealed class HijackedClaimException(string message) : Exception(message);
