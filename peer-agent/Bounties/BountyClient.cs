using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using L402Train.L402.Client;
using L402Train.PeerAgent.Training;

namespace L402Train.PeerAgent.Bounties;

/// <summary>A bounty bought through L402, with what its download paid.</summary>
public sealed record PaidBounty(BountyDetail Bounty, L402Paid? Payment);

/// <summary>A submission filed behind a hold deposit, with the credential that authorizes its claim.</summary>
/// <param name="Submitted">The server's answer.</param>
/// <param name="DepositCredential">The <c>Authorization</c> value that carried the deposit.</param>
/// <param name="DepositPaymentHash">The deposit's payment hash, hex.</param>
/// <param name="DepositSats">The deposit.</param>
/// <param name="Deposit">The locked HTLC; its completion says whether the deposit came back.</param>
public sealed record FiledSubmission(BountySubmissionAccepted Submitted, string DepositCredential, string DepositPaymentHash, long DepositSats, L402PendingPayment? Deposit);

/// <summary>An HTTP error of the bounty API, with the problem's <c>detail</c>.</summary>
public sealed class BountyApiException(string message, HttpStatusCode status) : HttpRequestException(message, null, status);

/// <summary>
/// Typed calls to every route of the bounty API (docs/PROTOCOL.md §4) through an
/// <see cref="HttpClient"/> whose handler pays L402 challenges (the download fee, the hold deposit).
/// </summary>
public sealed class BountyClient(HttpClient http, PaymentReceipts? receipts = null)
{
    /// <summary>JSON as the bounty API reads and writes it: snake_case, absent rather than null.</summary>
    public static JsonSerializerOptions Json { get; } = new(CoordinatorClient.Json) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>POST /bounties (sponsor).</summary>
    public async Task<BountyCreated> CreateAsync(CreateBountyRequest bounty, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("bounties", bounty, Json, cancellationToken);
        return await ReadAsync<BountyCreated>(response, "POST /bounties", cancellationToken);
    }

    /// <summary>GET /bounties, optionally only those with <paramref name="status"/>.</summary>
    public async Task<IReadOnlyList<BountySummary>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(status is null ? "bounties" : $"bounties?status={Uri.EscapeDataString(status)}", cancellationToken);
        return await ReadAsync<List<BountySummary>>(response, "GET /bounties", cancellationToken);
    }

    /// <summary>GET /bounty/{id}: pays the fee, returns the task with the current best tree.</summary>
    public async Task<PaidBounty> GetAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"bounty/{Id(id)}", cancellationToken);
        var bounty = await ReadAsync<BountyDetail>(response, $"GET /bounty/{id}", cancellationToken);
        var paid = receipts?.Describe(response.RequestMessage?.Headers.Authorization?.ToString());
        return new PaidBounty(bounty, paid);
    }

    /// <summary>POST /bounty/{id}/commit: registers sha256(diff ‖ nonce) before the diff is revealed.</summary>
    public async Task<CommitAccepted> CommitAsync(string id, string commitment, string agent, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"bounty/{Id(id)}/commit", new { commitment, agent }, Json, cancellationToken);
        return await ReadAsync<CommitAccepted>(response, "POST commit", cancellationToken);
    }

    /// <summary>POST /bounty/{id}/submit: pays the hold deposit and files the diff (revealing a commitment when <paramref name="nonce"/> is given).</summary>
    public async Task<FiledSubmission> SubmitAsync(
        string id, string diff, int baseVersion, double? claimedScore, string? nonce, string agent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"bounty/{Id(id)}/submit")
        {
            Content = JsonContent.Create(new SubmitBody(diff, baseVersion, claimedScore, nonce, agent), options: Json),
        };
        // The agent long-polls the verdict itself (and may stop waiting): take the 202 at once.
        request.Headers.TryAddWithoutValidation("Prefer", "respond-async");
        using var response = await http.SendAsync(request, cancellationToken);
        var submitted = await ReadAsync<BountySubmissionAccepted>(response, "POST submit", cancellationToken);
        var credential = request.Headers.Authorization?.ToString()
            ?? throw new InvalidOperationException("The deposit credential is missing from the sent request.");
        request.Options.TryGetValue(L402RequestOptions.PendingPayment, out var pending);
        return new FiledSubmission(submitted, credential, pending?.PaymentHash.ToHex() ?? submitted.SubmissionId,
            pending?.Amount.ToSatsFloor().Value ?? 0, pending);
    }

    /// <summary>GET /bounty/{id}/submissions/{sid}, long-polling up to <paramref name="wait"/> for a change.</summary>
    public async Task<BountySubmissionView> SubmissionAsync(string id, string submissionId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var seconds = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        using var response = await http.GetAsync($"bounty/{Id(id)}/submissions/{Id(submissionId)}?wait={seconds}", cancellationToken);
        return await ReadAsync<BountySubmissionView>(response, "GET submission", cancellationToken);
    }

    /// <summary>POST …/claim with the deposit's credential and an invoice for the reward less the fee.</summary>
    public async Task<ClaimAccepted> ClaimAsync(string id, string submissionId, string bolt11, string depositCredential, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"bounty/{Id(id)}/submissions/{Id(submissionId)}/claim")
        {
            Content = JsonContent.Create(new { invoice = bolt11 }, options: Json),
        };
        request.Headers.TryAddWithoutValidation("Authorization", depositCredential);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<ClaimAccepted>(response, "POST claim", cancellationToken);
    }

    /// <summary>GET /bounty/{id}/submissions with the sponsor's macaroon.</summary>
    public async Task<IReadOnlyList<BountySubmissionView>> SubmissionsAsync(string id, string sponsorMacaroon, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"bounty/{Id(id)}/submissions");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sponsorMacaroon);
        using var response = await http.SendAsync(request, cancellationToken);
        return (await ReadAsync<SponsorSubmissionList>(response, "GET submissions", cancellationToken)).Submissions ?? [];
    }

    /// <summary>GET /bounty/{id}/leaderboard.</summary>
    public async Task<LeaderboardView> LeaderboardAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"bounty/{Id(id)}/leaderboard", cancellationToken);
        return await ReadAsync<LeaderboardView>(response, "GET leaderboard", cancellationToken);
    }

    /// <summary>POST /bounty/{id}/cancel with the sponsor's macaroon and, when something is left, an invoice for exactly the remaining pool.</summary>
    public async Task<BountyCancelled> CancelAsync(string id, string sponsorMacaroon, string? refundInvoice, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"bounty/{Id(id)}/cancel")
        {
            Content = JsonContent.Create(new { invoice = refundInvoice }, options: Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sponsorMacaroon);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<BountyCancelled>(response, "POST cancel", cancellationToken);
    }

    /// <summary>GET /bounty/{id}/heldout: the held-out archive, served only after the bounty closed.</summary>
    public async Task<byte[]> HeldOutAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"bounty/{Id(id)}/heldout", cancellationToken);
        await EnsureAsync(response, "GET heldout", cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private sealed record SubmitBody(string Diff, int BaseVersion, double? ClaimedScore, string? Nonce, string Agent);

    private static string Id(string id) => Uri.EscapeDataString(id);

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        await EnsureAsync(response, what, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new BountyApiException($"{what} answered an empty body", response.StatusCode);
        }
        catch (JsonException e)
        {
            throw new BountyApiException($"{what} answered JSON this agent cannot read: {e.Message}", response.StatusCode);
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new BountyApiException($"{what} answered {(int)response.StatusCode}: {Detail(body)}", response.StatusCode);
    }

    // problem+json names the problem in "detail"; anything else is shown as sent, shortened.
    private static string Detail(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                return detail.GetString()!;
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the raw text.
        }
        return body.Length <= 300 ? body : body[..300] + "…";
    }
}
