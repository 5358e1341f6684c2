using System.Net.Http.Json;
using L402Train.PeerAgent.Bounties;

namespace L402Train.Attacks.Catalog;

/// <summary>One payment, many submissions: presents a deposit credential already spent on a submission (and the cheap read token) as the deposit of another.</summary>
public sealed class DepositReuse : Attack
{
    /// <inheritdoc/>
    public override string Name => "deposit-reuse";

    /// <inheritdoc/>
    public override string Trick => "files one submission, then sends a second diff with the first one's deposit credential, and a third with the 10-sat read token as its deposit";

    /// <inheritdoc/>
    public override string Defence => "a deposit token is consumed by the submission it filed (single use); the read token lacks the bounty-submit capability";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var first = await agent.SubmitAsync(Tampering.ConfigDiff(w, Tampering.Config(w) + "# first\n"), w.Bounty.Version, cancellationToken)
            ?? throw new InvalidOperationException("the first submission was refused");
        await ReuseAsync(context, agent, first.Filed.DepositCredential, Tampering.ConfigDiff(w, Tampering.Config(w) + "# second\n"), w.Bounty.Version, cancellationToken);
        // The read token the handler paid for GET /bounty/{id}, presented as a deposit.
        using var get = new HttpRequestMessage(HttpMethod.Get, $"bounty/{agent.BountyId}");
        using (var read = await agent.Http.SendAsync(get, cancellationToken)) read.EnsureSuccessStatusCode();
        var readToken = get.Headers.Authorization?.ToString() ?? throw new InvalidOperationException("the read request carried no L402 token");
        await ReuseAsync(context, agent, readToken, Tampering.ConfigDiff(w, Tampering.Config(w) + "# third\n"), w.Bounty.Version, cancellationToken);
    }

    private static async Task ReuseAsync(AttackContext context, Arena.AttackAgent agent, string credential, string diff, int version, CancellationToken cancellationToken)
    {
        // A plain client: nothing may pay a fresh challenge behind the attacker's back.
        using var http = new HttpClient { BaseAddress = context.Arena.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"bounty/{agent.BountyId}/submit")
        {
            Content = JsonContent.Create(new { diff, base_version = version, agent = agent.Name }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", credential);
        request.Headers.TryAddWithoutValidation("Prefer", "respond-async");
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            agent.Refuse($"reused credential: {(int)response.StatusCode}");
            return;
        }
        // Filed on a reused payment: follow it like any other, so its verdict and money are counted.
        var accepted = await response.Content.ReadFromJsonAsync<BountySubmissionAccepted>(BountyClient.Json, cancellationToken)
            ?? throw new InvalidOperationException("an empty 2xx to a reused credential");
        await agent.FollowAsync(new FiledSubmission(accepted, credential, accepted.SubmissionId, 0, null), cancellationToken);
    }
}
