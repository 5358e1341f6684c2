using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using L402Train.Lightning.Signing;
using L402Train.Protocol.Research;

namespace L402Train.PeerAgent.Research;

/// <summary>A listed agent the loop will not use, and why.</summary>
/// <param name="AgentId">The agent's id as listed.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record SkippedAgent(string AgentId, string Reason);

/// <summary>What the index lists: the workers whose registrations verify, and the agents skipped.</summary>
/// <param name="Workers">Usable workers, in the index's order.</param>
/// <param name="Skipped">Agents left out, with the reason.</param>
public sealed record WorkerListing(IReadOnlyList<WorkerCandidate> Workers, IReadOnlyList<SkippedAgent> Skipped);

/// <summary>
/// Discovery as seed 004 does it, against the coordinator's index: <c>GET /api/v1/public/agents?protocol=OASF&amp;search=devops_mlops/model_versioning&amp;limit=N</c>,
/// the registration read from <c>raw_metadata.offchain_content</c>, or fetched from
/// <c>raw_metadata.offchain_uri</c> when it is missing or does not verify. A registration is used only
/// when its signature (LND <c>signmessage</c> over the canonical form) recovers the node key it names,
/// that key is the listed agent's, and it offers an L402 experiment endpoint with the skill.
/// </summary>
public sealed class WorkerIndex(HttpClient http, Uri coordinator)
{
    /// <summary>
    /// The worker behind <paramref name="endpoint"/> from the registration its host serves
    /// (<c>/.well-known/agent-registration.json</c>), when it verifies and names this endpoint: what
    /// <c>research submit</c> pays without an index.
    /// </summary>
    public async Task<WorkerCandidate> WorkerAtAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var url = new Uri(endpoint, ResearchNames.RegistrationPath).AbsoluteUri;
        var (registration, problem) = await FetchAsync(url, cancellationToken);
        if (registration is null) throw new ResearchException($"the worker's registration {url} cannot be read: {problem}");
        var (worker, reason) = Check((string?)null, registration);
        if (worker is null) throw new ResearchException($"the worker's registration {url} is refused: {reason}");
        if (!string.Equals(worker.Endpoint.AbsoluteUri.TrimEnd('/'), endpoint.AbsoluteUri.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            throw new ResearchException($"the registration at {url} names the endpoint {worker.Endpoint}, not {endpoint}");
        return worker;
    }

    /// <summary>The most agents one page of the index holds (its <c>limit</c> cap).</summary>
    public const int PageSize = 100;

    /// <summary>Reads the index, a page of at most <see cref="PageSize"/> at a time; <paramref name="limit"/> agents at most.</summary>
    public async Task<WorkerListing> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var agents = new List<IndexedAgent>();
        while (agents.Count < limit)
        {
            var page = await PageAsync(Math.Min(PageSize, limit - agents.Count), agents.Count, cancellationToken);
            agents.AddRange(page.Items ?? []);
            if (page.Items is not { Count: > 0 } || agents.Count >= page.Total) break;
        }
        return await CheckAllAsync(agents, cancellationToken);
    }

    private async Task<AgentList> PageAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        var url = new Uri(coordinator, $"api/v1/public/agents?protocol={ResearchNames.OasfProtocol}&search={Uri.EscapeDataString(ResearchNames.ModelVersioningSkill)}"
            + $"&limit={limit.ToString(CultureInfo.InvariantCulture)}&offset={offset.ToString(CultureInfo.InvariantCulture)}");
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode) throw new ResearchException($"the index {url} answered {(int)response.StatusCode}: {await Snippet(response, cancellationToken)}");
            return await response.Content.ReadFromJsonAsync<AgentList>(ProtocolJson.Options, cancellationToken) ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ResearchException($"the index {url} cannot be read: {e.Message}", e);
        }
    }

    private async Task<WorkerListing> CheckAllAsync(IReadOnlyList<IndexedAgent> agents, CancellationToken cancellationToken)
    {
        var workers = new List<WorkerCandidate>();
        var skipped = new List<SkippedAgent>();
        foreach (var agent in agents)
        {
            var (worker, reason) = Check(agent, agent.RawMetadata?.OffchainContent);
            if (worker is null && agent.RawMetadata?.OffchainUri is { Length: > 0 } uri)
            {
                var fetched = await FetchAsync(uri, cancellationToken);
                var (again, secondReason) = fetched.Registration is null ? (null, fetched.Problem) : Check(agent, fetched.Registration);
                if (again is not null) (worker, reason) = (again, null);
                else reason = $"{reason}; its registration URL: {secondReason}";
            }
            if (worker is not null) workers.Add(worker);
            else skipped.Add(new SkippedAgent(agent.AgentId, reason!));
        }
        return new WorkerListing(workers, skipped);
    }

    /// <summary>The worker <paramref name="registration"/> describes when it verifies for <paramref name="agent"/>, else why not.</summary>
    public static (WorkerCandidate? Worker, string? Reason) Check(IndexedAgent agent, AgentRegistration? registration)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return Check(agent.AgentId, registration);
    }

    /// <summary>
    /// The worker <paramref name="registration"/> describes when its signature verifies (and, when
    /// <paramref name="agentId"/> is given, was made by that node), else why not.
    /// </summary>
    public static (WorkerCandidate? Worker, string? Reason) Check(string? agentId, AgentRegistration? registration)
    {
        if (registration is null) return (null, "no registration embedded");
        if (registration.Signature is not { Value: { Length: > 0 } value } signature) return (null, "the registration is not signed");
        if (signature.Scheme != ResearchNames.SignatureScheme) return (null, $"unknown signature scheme '{signature.Scheme}'");
        var signer = SignedMessage.Recover(RegistrationCanonicalForm.Bytes(registration), value)?.ToHex();
        if (signer is null || !string.Equals(signer, signature.NodePubkey, StringComparison.OrdinalIgnoreCase)) return (null, "the signature does not verify against the node key it names");
        if (agentId is not null && !string.Equals(signer, agentId, StringComparison.OrdinalIgnoreCase)) return (null, $"signed by {signer[..16]}…, listed as {agentId}");
        if (!registration.Active) return (null, "inactive");
        var service = registration.Services.FirstOrDefault(s => s.Name == ResearchNames.ExperimentService);
        if (service is null || !Uri.TryCreate(service.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            return (null, $"no {ResearchNames.ExperimentService} service with an http(s) endpoint");
        if (!registration.L402 || service.L402 == false) return (null, "not paid over L402");
        var skills = registration.Services.Where(s => s.Name == ResearchNames.OasfService).SelectMany(s => s.Skills ?? []).Concat(service.Skills ?? []);
        if (!skills.Contains(ResearchNames.ModelVersioningSkill, StringComparer.Ordinal)) return (null, $"does not offer {ResearchNames.ModelVersioningSkill}");
        return (new WorkerCandidate(signer, registration.Name, endpoint, service.PriceSats ?? registration.PriceSats, registration.BestValBpb), null);
    }

    /// <summary>Reads the registration at <paramref name="uri"/>, or why it cannot be read.</summary>
    public async Task<(AgentRegistration? Registration, string? Problem)> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")) return (null, "not an http(s) URL");
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode) return (null, $"answered {(int)response.StatusCode}");
            return (await response.Content.ReadFromJsonAsync<AgentRegistration>(ProtocolJson.Options, cancellationToken), null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, e.Message);
        }
    }

    private static async Task<string> Snippet(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return body.Length > 300 ? body[..300] : body;
    }
}
