using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using L402Train.L402.Client;

namespace L402Train.PeerAgent.Training;

/// <summary>What an upload returned: the submission id and the credential that paid the deposit (it authorizes the claim).</summary>
public sealed record UploadResult(string SubmissionId, string DepositCredential, long DepositSats);

/// <summary>Typed calls to a coordinator's training API through an <see cref="HttpClient"/> that pays L402 challenges.</summary>
public sealed class CoordinatorClient(HttpClient http)
{
    /// <summary>JSON as the coordinator writes it.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>GET /status.</summary>
    public async Task<SiloStatus> StatusAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<SiloStatus>("status", Json, cancellationToken) ?? throw new InvalidDataException("empty /status");

    /// <summary>
    /// GET /corpus: the training text of a corpus the coordinator cuts with its secret, checked
    /// against the SHA-256 its <c>/status</c> announced, and read back into documents.
    /// </summary>
    /// <exception cref="InvalidDataException">The text's hash differs from <paramref name="expectedSha256"/>.</exception>
    public async Task<IReadOnlyList<string>> TrainingTextAsync(string expectedSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expectedSha256);
        using var response = await http.GetAsync("corpus", cancellationToken);
        await EnsureAsync(response, "GET /corpus", cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"GET /corpus sent text with SHA-256 {actual}, but /status announced {expectedSha256}.");
        using var reader = new StringReader(System.Text.Encoding.UTF8.GetString(bytes));
        return L402Train.Model.Corpus.CorpusLoader.ReadPlainText(reader);
    }

    /// <summary>GET /checkpoint (pays the fee); returns the safetensors bytes.</summary>
    public async Task<byte[]> CheckpointAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("checkpoint", cancellationToken);
        await EnsureAsync(response, "GET /checkpoint", cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>PUT /gradient (pays the hold deposit).</summary>
    public async Task<UploadResult> UploadAsync(byte[] payload, string peerId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "gradient") { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("X-L402Train-Peer", peerId);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, "PUT /gradient", cancellationToken);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
        var credential = response.RequestMessage?.Headers.Authorization?.ToString()
            ?? throw new InvalidOperationException("The deposit credential is missing from the sent request.");
        var deposit = response.RequestMessage!.Options.TryGetValue(L402RequestOptions.PendingPayment, out var pending) ? pending.Amount.ToSatsFloor().Value : 0;
        return new UploadResult(accepted.GetProperty("submission_id").GetString()!, credential, deposit);
    }

    /// <summary>GET /submissions/{id}?wait=…</summary>
    public async Task<SubmissionView> SubmissionAsync(string id, TimeSpan wait, CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<SubmissionView>($"submissions/{id}?wait={(int)wait.TotalSeconds}", Json, cancellationToken)
        ?? throw new InvalidDataException("empty submission");

    /// <summary>POST /submissions/{id}/claim with the deposit's credential.</summary>
    public async Task ClaimAsync(string id, string bolt11, string depositCredential, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"submissions/{id}/claim")
        {
            Content = JsonContent.Create(new { invoice = bolt11 }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", depositCredential);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, "POST claim", cancellationToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new HttpRequestException($"{what} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
    }

    /// <summary>True for an HTTP error with this status.</summary>
    public static bool Is(HttpRequestException ex, HttpStatusCode status) => ex?.StatusCode == status;
}
