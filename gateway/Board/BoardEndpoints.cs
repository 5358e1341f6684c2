using System.Reflection;
using L402Train.Gateway.Board.Pages;
using L402Train.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Gateway.Board;

/// <summary>
/// The web board: server-rendered pages at <c>/</c> and under <c>/board/</c> that read the grains,
/// with uPlot charts drawn by a small script that also refreshes the page's live parts. Tables work
/// without JavaScript. Not part of the API document: the API is the JSON routes.
/// </summary>
public static class BoardEndpoints
{
    // The page may load only its own script, style and data: user text (titles, peer ids) is encoded
    // and, should an encoding ever fail, this policy still keeps injected script from running.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly string Version =
        typeof(BoardEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Registers what the board reads with (call before building the app).</summary>
    public static IServiceCollection AddBoard(this IServiceCollection services) =>
        services.AddSingleton(sp => new BoardReader(sp.GetRequiredService<IGrainFactory>()));

    /// <summary>Maps the board's pages and assets.</summary>
    public static IEndpointRouteBuilder MapBoard(this IEndpointRouteBuilder app)
    {
        var board = app.MapGroup("").ExcludeFromDescription();
        board.MapGet("/", async (BoardReader reader, SiloIdentity silo, IGrainStore store, HttpContext http) =>
            Page(http, await OverviewPage.RenderAsync(reader, new CoordinatorIdentity(Version, silo.Id, [.. silo.Roles.Order(StringComparer.Ordinal)], store.Kind))));
        board.MapGet("/board/rounds/{n:int}", async (int n, BoardReader reader, HttpContext http) =>
            Page(http, await RoundPage.RenderAsync(reader, n), $"Round {n} has not opened."));
        board.MapGet("/board/peers", async (BoardReader reader, HttpContext http) => Page(http, await PeersPage.RenderAsync(reader)));
        board.MapGet("/board/bounties", async (BoardReader reader, HttpContext http) => Page(http, await BountiesPage.RenderAsync(reader)));
        board.MapGet("/board/bounties/{id}", async (string id, BoardReader reader, HttpContext http) =>
            Page(http, Bounties.BountyGuard.IsBountyId(id) ? await BountyPage.RenderAsync(reader, id) : null, "No bounty has this id."));
        board.MapGet("/board/workers", async (BoardReader reader, HttpContext http) =>
            Page(http, await WorkersPage.RenderAsync(reader, http.RequestServices.GetService<Inference.InferenceOptions>(),
                http.RequestServices.GetService<Workers.AgentIndexOptions>() is { } index ? http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() - index.EntryLifetime : null,
                http.RequestServices.GetService<Runtime.SiloIdentity>()?.Roles.Contains("worker") == true)));
        board.MapGet("/board/assets/{**name}", (string name, HttpContext http) => BoardAssets.Serve(name, http));
        return app;
    }

    private static IResult Page(HttpContext http, string? html, string notFound = "")
    {
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers.CacheControl = "no-store";
        return html is null
            ? Results.Content(BoardLayout.Page("Not found", "", h => h.Element("p", notFound)), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound)
            : Results.Content(html, "text/html; charset=utf-8");
    }
}
