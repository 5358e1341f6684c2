using System.Net.Http.Json;
using System.Text.Json;

namespace L402Train.Attacks.Catalog;

/// <summary>Takes the deposit challenge's macaroon but never locks the HTLC, then presents the token as if the deposit were held.</summary>
public sealed class UnpaidDeposit : Attack
{
    /// <inheritdoc/>
    public override string Name => "unpaid-deposit";

    /// <inheritdoc/>
    public override string Trick => "asks for the submit challenge, skips paying the hold invoice, and sends the diff with 'L402 <macaroon>:' (and with a made-up preimage)";

    /// <inheritdoc/>
    public override string Defence => "the L402 hold gate looks the invoice up: a token counts only while its HTLC is held (402 otherwise)";

    /// <inheritdoc/>
    public override async Task RunAsync(AttackContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent(Name);
        var w = await agent.DownloadAsync(cancellationToken);
        var diff = Tampering.ConfigDiff(w, Tampering.Config(w) + "# free\n");
        // A plain client, so nothing pays the challenge on the attacker's behalf.
        using var http = new HttpClient { BaseAddress = context.Arena.BaseAddress };
        string macaroon;
        using (var challenge = await http.SendAsync(Submit(agent, diff, w.Bounty.Version, null), cancellationToken))
        {
            if ((int)challenge.StatusCode != 402) throw new InvalidOperationException($"submit without a token answered {(int)challenge.StatusCode}, not 402");
            macaroon = (await challenge.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("macaroon").GetString()!;
        }
        foreach (var credential in new[] { $"L402 {macaroon}:", $"L402 {macaroon}:{new string('1', 64)}" })
        {
            using var response = await http.SendAsync(Submit(agent, diff, w.Bounty.Version, credential), cancellationToken);
            if (response.IsSuccessStatusCode) throw new InvalidOperationException($"a submission was filed on an unpaid deposit ({(int)response.StatusCode})");
            agent.Refuse($"unpaid deposit: {(int)response.StatusCode}");
        }
    }

    private static HttpRequestMessage Submit(Arena.AttackAgent agent, string diff, int version, string? credential)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"bounty/{agent.BountyId}/submit")
        {
            Content = JsonContent.Create(new { diff, base_version = version, agent = agent.Name }),
        };
        request.Headers.TryAddWithoutValidation("Prefer", "respond-async");
        if (credential is not null) request.Headers.TryAddWithoutValidation("Authorization", credential);
        return request;
    }
}
