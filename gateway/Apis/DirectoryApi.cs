using L402Train.Protocol.Inference;
using L402Train.Gateway.Inference;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Gateway.Apis;

/// <summary>
/// <c>GET /api/v1/services</c>: this coordinator's paid services in satring's directory shape
/// (<c>?q=</c> searches name, slug and description; <c>?category=</c> matches a category slug by
/// prefix, as 402index does), so a client discovers offline what a public directory would list.
/// Differences from satring are in docs/inference.md.
/// </summary>
public static class DirectoryApi
{
    private const int MaxQuery = 200;

    /// <summary>Maps the directory.</summary>
    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var started = app.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        app.MapGet("/api/v1/services", (HttpContext http, string? q, string? category, RewardSchedule schedule, BountyRules bounties, InferenceOptions inference) =>
                List(http, q, category, Listing(http, started, schedule, bounties, inference)))
            .WithTags("directory")
            .WithSummary("This coordinator's paid services in satring's shape; ?q= searches, ?category= filters by slug prefix (e.g. ai/inference).");
        return app;
    }

    private static Results<JsonHttpResult<ServiceList>, ProblemHttpResult> List(HttpContext http, string? q, string? category, IReadOnlyList<ListedService> all)
    {
        if (q is { Length: > MaxQuery }) return TypedResults.Problem($"q is longer than {MaxQuery} characters.", statusCode: StatusCodes.Status400BadRequest);
        if (category is { Length: > MaxQuery }) return TypedResults.Problem($"category is longer than {MaxQuery} characters.", statusCode: StatusCodes.Status400BadRequest);
        IEnumerable<ListedService> found = all;
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            found = found.Where(s => s.Name.Contains(term, StringComparison.OrdinalIgnoreCase) || s.Slug.Contains(term, StringComparison.OrdinalIgnoreCase)
                || s.Description.Contains(term, StringComparison.OrdinalIgnoreCase));
        }
        if (!string.IsNullOrWhiteSpace(category))
        {
            var slug = category.Trim();
            found = found.Where(s => s.Categories.Any(c => c.Slug.StartsWith(slug, StringComparison.OrdinalIgnoreCase)));
        }
        var services = found.ToList();
        http.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Json(new ServiceList(services, services.Count, 1, Math.Max(1, services.Count)));
    }

    private static List<ListedService> Listing(HttpContext http, DateTimeOffset started, RewardSchedule schedule, BountyRules bounties, InferenceOptions inference)
    {
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        ServiceCategory training = new(1, "AI training", "ai/training", "Checkpoints of a model trained by paid peers"),
            data = new(2, "AI evaluation", "ai/bounties", "Bounty tasks with held-out evaluation"),
            ai = new(3, "AI inference", "ai/inference", "OpenAI-compatible chat completions");
        return
        [
            new ListedService
            {
                Id = 1, Name = "L402Train checkpoint", Slug = "checkpoint", Url = $"{origin}/checkpoint",
                Description = "The newest checkpoint of the byte-level GPT the network trains (safetensors).",
                PricingSats = schedule.CheckpointPriceSat, PricingModel = "per-request", Categories = [training], CreatedAt = started,
                HttpMethod = "GET", Capability = TrainingApi.CheckpointCapability,
            },
            new ListedService
            {
                Id = 2, Name = "L402Train bounty access", Slug = "bounty-access", Url = $"{origin}/bounty/{{id}}",
                Description = "A bounty's task, baseline and public evaluation split.",
                PricingSats = bounties.AccessPriceSat, PricingModel = "per-request", Categories = [data], CreatedAt = started,
                HttpMethod = "GET", Capability = BountyApi.ReadCapability,
            },
            new ListedService
            {
                Id = 3, Name = "L402Train inference", Slug = "inference", Url = $"{origin}/v1/chat/completions",
                Description = $"OpenAI-compatible chat completions (model {InferenceOptions.ModelId}, streaming) from the latest training checkpoint; priced by max_tokens.",
                PricingSats = inference.Price(inference.DefaultMaxTokens).Value, PricingModel = "per-token", Categories = [ai], CreatedAt = started,
                HttpMethod = "POST", Capability = InferenceApi.Capability, BaseSat = inference.BaseSat, MsatPerToken = inference.MsatPerToken,
            },
        ];
    }
}
