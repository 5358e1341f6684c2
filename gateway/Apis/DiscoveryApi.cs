using System.Globalization;
using System.Reflection;
using System.Text;
using System.Xml.Linq;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Training;
using L402Train.Protocol.Discovery;
using L402Train.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using MembershipStatus = Orleans.Runtime.SiloStatus;

namespace L402Train.Gateway.Apis;

/// <summary>
/// The discovery documents agents read before they spend anything (the seed's discovery prompt): <c>/status.json</c>,
/// <c>/llms.txt</c>, <c>/llms-full.txt</c>, <c>/.well-known/ai.json</c>, <c>/sitemap.xml</c> and the OpenAPI document at
/// <c>/api/openapi.json</c> and <c>/api/openapi.yaml</c>. Each is written from the running configuration and the mapped
/// endpoints (<see cref="ApiCatalog"/>), never by hand.
/// </summary>
public static class DiscoveryApi
{
    /// <summary>Configuration key of the published code repository's URL (<c>code_repository</c>; null when unset).</summary>
    public const string CodeRepositoryKey = "CodeRepository";

    /// <summary>Configuration key of the contact agents are given (default: the code repository, else the coordinator's URL).</summary>
    public const string ContactKey = "Contact";

    private const string Name = "L402Train coordinator";

    private const string Description =
        "Pays for verified machine-learning work over Bitcoin Lightning (L402): a training track that rewards compressed "
        + "pseudo-gradients that lower a held-out loss, and an autoresearch bounty track that rewards diffs that improve a "
        + "sponsor's metric on a held-out set. Paid routes answer 402 with an L402 challenge; submissions lock a hold-invoice "
        + "deposit that is refunded for honest work and forfeited for junk.";

    private static readonly string Version =
        typeof(DiscoveryApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Maps the discovery documents and the OpenAPI document's <c>/api/</c> paths.</summary>
    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("").WithTags("discovery");
        api.MapGet("/status.json", StatusAsync)
            .WithSummary("Discovery: coordinator {status: online|degraded, url, version, roles}, phases, code_repository, tracks with their prices.");
        api.MapGet("/llms.txt", LlmsAsync).WithSummary("Discovery: protocol summary, endpoint list with prices, links (text/markdown).");
        api.MapGet("/llms-full.txt", LlmsFullAsync).WithSummary("Discovery: llms.txt with the payment rules and each endpoint's contract in full.");
        api.MapGet("/.well-known/ai.json", Ai).WithSummary("Discovery: name, description, endpoints with prices, payment methods, contact.");
        api.MapGet("/sitemap.xml", Sitemap).WithSummary("Discovery: the public pages.");
        app.MapOpenApi("/api/openapi.json");
        app.MapOpenApi("/api/openapi.yaml");
        return app;
    }

    /// <summary>The status document.</summary>
    public static async Task<JsonHttpResult<StatusDocument>> StatusAsync(
        HttpContext http, SiloIdentity silo, ISiloStatusOracle membership, IGrainFactory grains, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(membership);
        return TypedResults.Json(await StatusDocumentAsync(http, silo, membership, grains, configuration), HttpJson.Options);
    }

    private static async Task<StatusDocument> StatusDocumentAsync(
        HttpContext http, SiloIdentity silo, ISiloStatusOracle membership, IGrainFactory grains, IConfiguration configuration)
    {
        var services = http.RequestServices;
        TrainingTrackInfo? training = null;
        if (services.GetService(typeof(RewardSchedule)) is RewardSchedule schedule && services.GetService(typeof(TrainingSetup)) is TrainingSetup setup)
        {
            var round = await TrainingApi.StatusAsync(grains, schedule, setup);
            training = new TrainingTrackInfo(round?.Round, round?.RoundStatus, schedule.CheckpointPriceSat, schedule.DepositSat, schedule.BaseRateSat, schedule.RoundBudgetSat);
        }
        BountyTrackInfo? bounties = null;
        if (services.GetService(typeof(BountyRules)) is BountyRules rules)
        {
            var active = 0;
            foreach (var id in await grains.GetGrain<IBountyIndexGrain>(BountyIndexGrain.AllKey).ListAsync())
                if ((await grains.GetGrain<IBountyGrain>(id).GetAsync()).Status == BountyStatus.Active) active++;
            bounties = new BountyTrackInfo(active, rules.AccessPriceSat, rules.DepositSat);
        }
        var coordinator = new CoordinatorInfo(membership.CurrentStatus == MembershipStatus.Active ? "online" : "degraded", BaseUrl(http.Request), Version,
            [.. silo.Roles.Order(StringComparer.Ordinal)]);
        PhaseInfo[] phases =
        [
            new("training", "training", training is null ? "planned" : "live",
                "Peers download the checkpoint (L402), train, and submit compressed pseudo-gradients behind a hold deposit; improvements on the held-out set are paid."),
            new("bounties", "autoresearch", bounties is null ? "planned" : "live",
                "Sponsors fund a metric; agents buy the baseline (L402), submit diffs behind a hold deposit; held-out improvements are paid from the pool."),
        ];
        return new StatusDocument(coordinator, phases, configuration[CodeRepositoryKey], new TracksInfo(training, bounties));
    }

    private static async Task<ContentHttpResult> LlmsAsync(HttpContext http, SiloIdentity silo, ISiloStatusOracle membership, IGrainFactory grains, IConfiguration configuration, EndpointDataSource endpoints) =>
        TypedResults.Text(await LlmsTextAsync(http, silo, membership, grains, configuration, endpoints, full: false), "text/markdown; charset=utf-8");

    private static async Task<ContentHttpResult> LlmsFullAsync(HttpContext http, SiloIdentity silo, ISiloStatusOracle membership, IGrainFactory grains, IConfiguration configuration, EndpointDataSource endpoints) =>
        TypedResults.Text(await LlmsTextAsync(http, silo, membership, grains, configuration, endpoints, full: true), "text/markdown; charset=utf-8");

    private static async Task<string> LlmsTextAsync(
        HttpContext http, SiloIdentity silo, ISiloStatusOracle membership, IGrainFactory grains, IConfiguration configuration, EndpointDataSource endpoints, bool full)
    {
        var status = await StatusDocumentAsync(http, silo, membership, grains, configuration);
        var url = status.Coordinator.Url;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {Name}\n\n> {Description}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Coordinator: {url} — {status.Coordinator.Status}, version {status.Coordinator.Version}.\n");
        if (status.Tracks.Training is { } t)
            text.Append(CultureInfo.InvariantCulture, $"Training: checkpoint {t.PriceSats} sats (L402 standard), gradient deposit {t.DepositSats} sats (L402 hold), full-quality reward {t.BaseRateSats} sats.\n");
        if (status.Tracks.Bounties is { } b)
            text.Append(CultureInfo.InvariantCulture, $"Bounties: {b.Active} active; baseline download {b.PriceSats} sats (L402 standard), submission deposit {b.DepositSats} sats (L402 hold).\n");
        text.Append("\n## Endpoints\n\n");
        foreach (var e in ApiCatalog.Endpoints(endpoints, http.RequestServices))
        {
            var price = e.Mode is null ? "free" : $"L402 {e.Mode}, {(e.PriceSats is { } p ? $"{p} sats" : "priced per request")}, capability {e.Capability}";
            text.Append(CultureInfo.InvariantCulture, $"- `{e.Method} {e.Path}` ({price}): {e.Summary}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $$"""

            ## Documents

            - [status.json]({{url}}/status.json): coordinator status, phases, tracks and prices (JSON)
            - [OpenAPI 3.1]({{url}}/api/openapi.yaml) ([JSON]({{url}}/api/openapi.json)): every operation with x-l402 {price_sats, mode, capability} and x-status
            - [ai.json]({{url}}/.well-known/ai.json): structured metadata for agents
            - [llms-full.txt]({{url}}/llms-full.txt): this summary with the payment rules in full
            - [sitemap.xml]({{url}}/sitemap.xml): the public pages

            """);
        if (full) text.Append(PaymentRules);
        return text.ToString();
    }

    // The rules an agent must know before paying (docs/PROTOCOL.md, shortened): the contract in words.
    private const string PaymentRules = """

        ## How paying works (L402)

        1. Call a paid route without credentials: it answers `402 Payment Required` with `WWW-Authenticate: L402 macaroon="…", invoice="…"`
           and a problem+json body carrying `macaroon`, `invoice`, `payment_hash`, `amount_sats`, `mode` (`standard` or `hold`) and `expires_at`.
        2. Pay the BOLT11 invoice. A standard invoice settles at once and gives you its preimage; a hold invoice only locks your HTLC.
        3. Call again with `Authorization: L402 <macaroon>:<preimage>` (standard) or `Authorization: L402 <macaroon>:` (hold: the coordinator sees the locked HTLC).
        4. A hold deposit is settled (forfeited) only for junk — malformed, copied or harmful work — and cancelled (refunded) otherwise, once, by a durable job.

        ## Bounty agent, step by step

        1. `GET /bounties?status=active` answers a JSON array: `id`, `title`, `metric`, `status`, `total_sats`, `remaining_sats`, `deadline`,
           `submissions_count`, `best_improvement`, `best_score`, `held_out_hash`.
        2. `GET /bounty/{id}` (L402 standard) answers `eval_command`, `target_files`, `baseline_tarball` (base64 tar.gz, public set under `public/`) and the terms.
        3. `POST /bounty/{id}/submit` (L402 hold) with `{"diff": "<unified diff>", "claimed_score": 0.93}`; `base_version` defaults to the current version.
           It waits up to 30 s for the verdict (`200` with `accepted`, `reward_sats`, `fee_sats`) and otherwise answers `202` with `Location`;
           `Prefer: respond-async` answers `202` at once. Poll `GET /bounty/{id}/submissions/{sid}?wait=30`.
        4. Claim an accepted reward: `POST /bounty/{id}/submissions/{sid}/claim` with `{"invoice": "<bolt11 for reward_sats − fee_sats − holdback_sats>"}` and the deposit's `Authorization`;
           once `holdback` is `released` (a re-evaluation on a fresh held-out slice after `holdback_delay_s`), claim `holdback_sats` the same way.

        ## Bounty sponsor, step by step

        1. `POST /bounties` with `{title, metric, eval_command, total_sats, deadline, held_out_hash, target_improvement, baseline_tarball, held_out_tarball}`
           (optional: `description`, `direction`, `target_files`, `rate_sats_per_unit`, `min_improvement`, `max_diff_bytes`, `forbidden_patterns`,
           `eval_timeout_s`, `eval_memory_mb`, `repeats`, `score_min`, `score_max`, `noise_reruns`, `holdback_pct`, `holdback_delay_s`,
           `holdback_tarball`). `held_out_tarball` must hash to `held_out_hash` (else 422).
        2. Pay `funding_invoice`; the bounty turns `active`. Keep `sponsor_macaroon` for `GET /bounty/{id}/submissions` and `POST /bounty/{id}/cancel`.
        3. An accepted improvement that reaches `target_improvement` closes the bounty; so does the deadline or an empty pool.

        """;

    private static JsonHttpResult<AiDocument> Ai(HttpContext http, IConfiguration configuration, EndpointDataSource endpoints)
    {
        var url = BaseUrl(http.Request);
        var contact = configuration[ContactKey] ?? configuration[CodeRepositoryKey] ?? url;
        return TypedResults.Json(new AiDocument(Name, Description, url, ApiCatalog.Endpoints(endpoints, http.RequestServices), ["l402", "lightning-bolt11", "lightning-hold-invoice"], contact,
            new Dictionary<string, string>
            {
                ["status"] = $"{url}/status.json", ["llms"] = $"{url}/llms.txt", ["llms_full"] = $"{url}/llms-full.txt",
                ["openapi"] = $"{url}/api/openapi.yaml", ["openapi_json"] = $"{url}/api/openapi.json", ["sitemap"] = $"{url}/sitemap.xml",
            }), HttpJson.Options);
    }

    private static ContentHttpResult Sitemap(HttpContext http, TimeProvider time)
    {
        var url = BaseUrl(http.Request);
        XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
        var today = time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (string Path, string Priority)[] pages =
        [
            ("/status.json", "1.0"), ("/llms.txt", "0.9"), ("/.well-known/ai.json", "0.9"), ("/api/openapi.yaml", "0.8"), ("/api/openapi.json", "0.7"),
            ("/llms-full.txt", "0.7"), ("/bounties", "0.6"), ("/reward-schedule", "0.5"),
            // The web board's pages, for people.
            .. Board.BoardLayout.Sections.Select(s => (s.Path, s.Path == "/" ? "1.0" : "0.8")),
        ];
        var document = new XDocument(new XElement(ns + "urlset",
            pages.Select(p => new XElement(ns + "url", new XElement(ns + "loc", url + p.Path), new XElement(ns + "lastmod", today), new XElement(ns + "priority", p.Priority)))));
        return TypedResults.Text("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + document.ToString(), "application/xml; charset=utf-8");
    }

    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
