using System.Text.Json;
using L402Train.Gateway.Bounties;
using L402Train.Gateway.Workers;
using L402Train.Grains.Workers;
using L402Train.Lightning;
using L402Train.Protocol;
using L402Train.Protocol.Research;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace L402Train.Gateway.Apis;

/// <summary>
/// The coordinator's agent index (docs/workers.md): workers post their signed registration to
/// <c>POST /api/v1/agents</c>; <c>GET /api/v1/public/agents</c> lists the live ones in 8004scan's shape with the
/// registration embedded (<c>raw_metadata.offchain_content</c>). Entries expire unless refreshed.
/// </summary>
public static class AgentIndexApi
{
    /// <summary>The default and largest page of the list.</summary>
    public const int DefaultLimit = 20, MaxLimit = 100;

    /// <summary>Maps the index routes.</summary>
    public static IEndpointRouteBuilder MapAgentIndexApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/v1").WithTags("agents");
        api.MapPost("/agents", RegisterAsync)
            .WithRequestBody<AgentSubmission>("application/json")
            .Produces<IndexedAgent>().Produces<IndexedAgent>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Register or refresh a worker: its registration signed with its Lightning node key (bad signature, stale signed_at or another node's signature → 4xx). Entries expire unless posted again.");
        api.MapGet("/public/agents", ListAsync)
            .Produces<AgentList>().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Live agents in 8004scan's shape (registration in raw_metadata.offchain_content); ?protocol=OASF&search=devops_mlops/model_versioning&limit=20&offset=0.");
        return app;
    }

    private static async Task<Results<JsonHttpResult<IndexedAgent>, ProblemHttpResult>> RegisterAsync(
        HttpContext http, IGrainFactory grains, ILightningNode node, AgentIndexOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(http.Request, options.MaxBodyBytes, cancellationToken);
        if (body.Problem is { } tooBig) return tooBig;
        AgentSubmission? submission;
        try
        {
            submission = body.Bytes!.Length == 0 ? null : JsonSerializer.Deserialize<AgentSubmission>(body.Bytes, ProtocolJson.Options);
        }
        catch (JsonException ex)
        {
            return JsonBody.Bad($"The body is not an agent submission{(ex.Path is { } path ? $" at {path}" : "")}: {ex.Message}");
        }
        if (submission is null) return JsonBody.Bad("The body must be {\"registration\": <signed registration>, \"registration_url\": <optional URL>}.");
        var now = time.GetUtcNow();
        if (RegistrationCheck.Check(submission.Registration, now, options.MaxSignatureAge) is { } problem)
            return TypedResults.Problem(problem.Detail, statusCode: problem.Status);
        var registration = submission.Registration!;
        var endpoint = new Uri(registration.Services.First(s => s?.Name == ResearchNames.ExperimentService).Endpoint);
        var url = submission.RegistrationUrl ?? new Uri(endpoint, ResearchNames.RegistrationPath).ToString();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            return JsonBody.Bad("registration_url must be an absolute http(s) URL (or absent: the experiment endpoint's origin plus " + ResearchNames.RegistrationPath + ").");
        var pubkey = registration.Signature!.NodePubkey.ToLowerInvariant();
        var (outcome, entry) = await grains.GetGrain<IAgentIndexGrain>(IAgentIndexGrain.Key).RegisterAsync(
            pubkey, JsonSerializer.Serialize(registration, ProtocolJson.Options), url, registration.Signature.SignedAt, now - options.EntryLifetime);
        if (outcome == AgentRegistrationOutcome.Outdated)
            return TypedResults.Problem($"registration.signature.signed_at is older than the registration on file ({entry.SignedAt:O}): post the current one.", statusCode: StatusCodes.Status409Conflict);
        var network = (await node.GetInfoAsync(cancellationToken)).Network;
        return TypedResults.Json(Listed(entry, network, options), ProtocolJson.Options, statusCode: outcome == AgentRegistrationOutcome.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<Results<JsonHttpResult<AgentList>, ProblemHttpResult>> ListAsync(
        string? protocol, string? search, int? limit, int? offset, IGrainFactory grains, ILightningNode node, AgentIndexOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit) return JsonBody.Bad($"limit must be from 1 to {MaxLimit} (default {DefaultLimit}).");
        if (offset is < 0) return JsonBody.Bad("offset must be 0 or more.");
        if (search is { Length: > 200 }) return JsonBody.Bad("search must be at most 200 characters.");
        var entries = await grains.GetGrain<IAgentIndexGrain>(IAgentIndexGrain.Key).ListAsync(time.GetUtcNow() - options.EntryLifetime);
        var network = (await node.GetInfoAsync(cancellationToken)).Network;
        var matches = entries.Select(e => Listed(e, network, options))
            .Where(a => protocol is not { Length: > 0 } || a.SupportedProtocols.Contains(protocol, StringComparer.OrdinalIgnoreCase))
            .Where(a => search is not { Length: > 0 } || Matches(a, search))
            .ToList();
        var page = matches.Skip(offset ?? 0).Take(limit ?? DefaultLimit).ToList();
        return TypedResults.Json(new AgentList(page, matches.Count, limit ?? DefaultLimit, offset ?? 0), ProtocolJson.Options);
    }

    private static bool Matches(IndexedAgent agent, string search) =>
        agent.Skills.Any(s => s.Contains(search, StringComparison.OrdinalIgnoreCase))
        || agent.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
        || agent.Description.Contains(search, StringComparison.OrdinalIgnoreCase)
        || agent.AgentId.Equals(search, StringComparison.OrdinalIgnoreCase);

    private static IndexedAgent Listed(AgentEntry entry, string network, AgentIndexOptions options)
    {
        var registration = JsonSerializer.Deserialize<AgentRegistration>(entry.RegistrationJson, ProtocolJson.Options)!;
        var oasf = registration.Services.Where(s => s?.Name == ResearchNames.OasfService).ToList();
        var protocols = new List<string>();
        if (oasf.Count > 0) protocols.Add(ResearchNames.OasfProtocol);
        if (registration.L402 || registration.Services.Any(s => s?.L402 == true)) protocols.Add("L402");
        return new IndexedAgent
        {
            Id = "ln:" + entry.NodePubkey, AgentId = entry.NodePubkey, TokenId = entry.TokenId, Network = network,
            Name = registration.Name, Description = registration.Description, OwnerAddress = entry.NodePubkey,
            SupportedProtocols = protocols, Skills = [.. oasf.SelectMany(s => s.Skills ?? []).Distinct(StringComparer.Ordinal)],
            BestValBpb = registration.BestValBpb,
            RawMetadata = new AgentRawMetadata(entry.RegistrationUrl, registration),
            CreatedAt = entry.CreatedAt, UpdatedAt = entry.UpdatedAt, ExpiresAt = entry.UpdatedAt + options.EntryLifetime,
        };
    }
}
