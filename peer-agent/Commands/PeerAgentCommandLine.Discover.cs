using System.CommandLine;
using System.Globalization;
using L402Train.PeerAgent.Inference;
using Spectre.Console;

namespace L402Train.PeerAgent.Commands;

/// <summary><c>discover</c>: find paid services in directories and at coordinators, probe them without paying, rank them.</summary>
public sealed partial class PeerAgentCommandLine
{
    private Command DiscoverCommand()
    {
        var directories = new Option<string[]>("--directory") { Description = "A directory's base URL (its /api/v1/services is read, in satring's or 402index's shape; repeatable)", AllowMultipleArgumentsPerToken = false };
        var coordinators = new Option<string[]>("--coordinator") { Description = "A coordinator's base URL (its /.well-known/ai.json is read; repeatable)", AllowMultipleArgumentsPerToken = false };
        var category = new Option<string>("--category") { Description = "The category to keep: a slug (ai/inference) or its last segment", DefaultValueFactory = _ => "inference" };
        var timeout = new Option<double>("--timeout-s") { Description = "Seconds to wait for each directory, coordinator and probe", DefaultValueFactory = _ => 10 };
        var command = new Command("discover", "Find services in directories and at coordinators, probe each 402 without paying, and rank them as infer would (with providers.json history).")
        {
            directories, coordinators, category, providerCache, cacheTtlHours, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            var directoryUrls = (parse.GetValue(directories) ?? []).Select(Url).ToList();
            var coordinatorUrls = (parse.GetValue(coordinators) ?? []).Select(Url).ToList();
            if (directoryUrls.Count + coordinatorUrls.Count == 0) return await Fail(parse, "give at least one --directory or --coordinator URL");
            if (directoryUrls.Any(u => u is null)) return await Fail(parse, "--directory must be an http(s) URL such as https://satring.com/");
            if (coordinatorUrls.Any(u => u is null)) return await Fail(parse, "--coordinator must be an http(s) URL such as http://127.0.0.1:8402/");
            var wanted = parse.GetValue(category)?.Trim().Trim('/') ?? "";
            if (wanted.Length is 0 or > 200) return await Fail(parse, "--category must be a slug of 1 to 200 characters, such as inference or ai/inference");
            if (parse.GetValue(cacheTtlHours) is not (> 0 and <= 24 * 365)) return await Fail(parse, "--cache-ttl-hours must be more than 0");
            if (parse.GetValue(timeout) is not (> 0 and <= 3600)) return await Fail(parse, "--timeout-s must be between 0 and 3600");
            var history = new ProviderHistory(parse.GetValue(providerCache)!, TimeProvider.System, TimeSpan.FromHours(parse.GetValue(cacheTtlHours)));
            // A plain client with no payment handler: a discovery can read challenges but cannot pay one.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)) };
            var report = await DiscoveryClient.DiscoverAsync(http, [.. directoryUrls.Select(u => u!)], [.. coordinatorUrls.Select(u => u!)], wanted, history, ct);
            var table = new Table().AddColumns("#", "url", "listed (sat)", "price (sat)", "invoice (sat)", "amount matches", "mode", "capability", "success", "p50 ms", "ttft ms", "status");
            var rank = 0;
            foreach (var s in report.Services)
            {
                var offer = s.Offer;
                table.AddRow(s.Reachable ? (++rank).ToString(CultureInfo.InvariantCulture) : "-", Markup.Escape($"{s.Candidate.Method} {s.Candidate.Url}"), Sat(s.Candidate.ListedSat),
                    Sat(offer?.AdvertisedSat), s.Reachable ? offer!.InvoiceSat?.ToString(CultureInfo.InvariantCulture) ?? "none" : "-", s.Reachable ? (offer!.AmountMatches ? "yes" : "NO") : "-",
                    s.Reachable ? offer!.Mode : "-", Markup.Escape(offer?.Capabilities ?? "-"),
                    s.History is { } h ? h.SuccessRate.ToString("P0", CultureInfo.InvariantCulture) : "-",
                    s.History?.LatencyP50Ms?.ToString("0", CultureInfo.InvariantCulture) ?? "-", FirstToken(s.Measured), Markup.Escape(s.Error ?? "ok"));
            }
            foreach (var source in report.Unreachable) table.AddRow("-", Markup.Escape(source.Source), "-", "-", "-", "-", "-", "-", "-", "-", "-", Markup.Escape($"source unreachable: {source.Reason}"));
            Screen(parse).Write(table);
            foreach (var listing in report.Directories)
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync(
                    $"directory {listing.Source}: {ShapeName(listing.Shape)}, {listing.Kept.ToString(CultureInfo.InvariantCulture)} service(s) in the category");
            }
            // Found nothing to use is a failure a script can see; unreachable sources beside a usable service are not.
            return rank > 0 ? 0 : 1;
        });
        return command;
    }

    private static string ShapeName(DirectoryShape shape) => shape switch
    {
        DirectoryShape.Satring => "satring's shape",
        DirectoryShape.Index402 => "402index's shape",
        _ => "an empty list",
    };

    // A streamed median is a time to first token; a probe's first byte only stands in for one, and says so.
    private static string FirstToken(ProviderRecord? measured) => measured?.TimeToFirstTokenMs is not { } ms ? "-"
        : ms.ToString("0", CultureInfo.InvariantCulture) + (measured.FirstTokenFromProbe ? " (probe)" : "");

    private static string Sat(long? sat) => sat?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
