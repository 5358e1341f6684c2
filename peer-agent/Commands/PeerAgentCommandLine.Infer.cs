using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.L402.Client;
using L402Train.Lightning;
using L402Train.PeerAgent.Bounties;
using L402Train.PeerAgent.Inference;
using Spectre.Console;

namespace L402Train.PeerAgent.Commands;

/// <summary><c>probe</c> (read a 402 without paying), <c>infer "prompt"</c> and <c>infer serve</c> (a local OpenAI endpoint that pays providers).</summary>
public sealed partial class PeerAgentCommandLine
{
    private readonly Option<string[]> providers = new("--provider") { Description = "An inference provider's base URL (repeatable; ranked from measured history)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string[]> inferDirectories = new("--directory") { Description = "A directory's base URL whose inference services join the providers (satring's or 402index's shape; repeatable; probed without paying)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string> providerCache = new("--providers-cache") { Description = "Measured provider history (success, latency, price)", DefaultValueFactory = _ => "providers.json" };
    private readonly Option<double> cacheTtlHours = new("--cache-ttl-hours") { Description = "How long a provider measurement is trusted", DefaultValueFactory = _ => 4 };
    private readonly Option<double> timeoutSeconds = new("--timeout-s") { Description = "Seconds to wait for a provider (and between streamed events) before falling back", DefaultValueFactory = _ => 60 };

    private Command ProbeCommand()
    {
        var url = new Argument<string>("url") { Description = "The paid URL (a chat completions URL is probed with a 16-token request)" };
        var method = new Option<string?>("--method") { Description = "HTTP method (default GET, POST for /v1/chat/completions)" };
        var body = new Option<string?>("--body") { Description = "JSON body to send" };
        var command = new Command("probe", "Read a URL's L402 challenge without paying: price, mode, expiry, whether the invoice asks the advertised price, capability.") { url, method, body };
        command.SetAction(async (parse, ct) =>
        {
            // The exact URL, not a base URL: Url() would add a slash, and /v1/chat/completions/ is another route.
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https")) return await Fail(parse, "url must be an http(s) URL");
            var chat = target.AbsolutePath.TrimEnd('/').EndsWith("/chat/completions", StringComparison.Ordinal);
            var verb = parse.GetValue(method) is { } m ? HttpMethod.Parse(m.ToUpperInvariant()) : chat ? HttpMethod.Post : HttpMethod.Get;
            return await Guard(parse, async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var offer = await L402Probe.ProbeAsync(http, target, verb, parse.GetValue(body) ?? (chat ? L402Probe.ChatProbeBody : null), ct);
                if (offer.Status != 402)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {target} answered {offer.Status}, not an L402 challenge");
                    return 1;
                }
                Screen(parse).Write(new Table().AddColumns("price (sat)", "invoice (sat)", "amount matches", "mode", "expires", "capability")
                    .AddRow($"{offer.AdvertisedSat?.ToString(CultureInfo.InvariantCulture) ?? "-"}", $"{offer.InvoiceSat?.ToString(CultureInfo.InvariantCulture) ?? "none"}",
                        offer.AmountMatches ? "yes" : "NO", offer.Mode, offer.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-", Markup.Escape(offer.Capabilities ?? "-")));
                return offer.AmountMatches ? 0 : 3;
            });
        });
        return command;
    }

    private Command InferCommand()
    {
        var prompt = new Argument<string>("prompt") { Description = "What to ask" };
        var model = new Option<string>("--model") { Description = "The model to ask for", DefaultValueFactory = _ => "l402train-gpt" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens to generate (the price depends on it)", DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature (0 = greedy)", DefaultValueFactory = _ => 0 };
        var command = new Command("infer", "Ask a paid OpenAI-compatible provider (streamed to the console); pays its 402 from your wallet, falls back to the next provider, logs to results.jsonl.")
        {
            prompt, providers, inferDirectories, model, maxTokens, temperature, lnd, macaroon, cert, budget, dailyBudget, results, providerCache, cacheTtlHours, timeoutSeconds,
        };
        command.Subcommands.Add(InferServeCommand());
        command.SetAction(async (parse, ct) =>
        {
            if (await RouterAsync(parse, ct) is not { } opened) return 2;
            var (router, wallet) = opened;
            using var owned = wallet as IDisposable;
            using var disposeRouter = router;
            var request = new JsonObject
            {
                ["model"] = parse.GetValue(model),
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = parse.GetValue(prompt) }),
                ["max_tokens"] = parse.GetValue(maxTokens),
                ["temperature"] = parse.GetValue(temperature),
                ["stream"] = true,
            };
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var answer = await router.CompleteAsync(request, async (data, token) =>
                {
                    if (data == "[DONE]") return;
                    using var chunk = JsonDocument.Parse(data);
                    if (chunk.RootElement.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                        && choices[0].GetProperty("delta").TryGetProperty("content", out var text))
                    {
                        await output.WriteAsync(text.GetString());
                        await output.FlushAsync(token);
                    }
                }, ct);
                await output.WriteLineAsync();
                if ((int)answer.Status >= 400)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {answer.Provider} answered {(int)answer.Status}: {answer.Body}");
                    return 1;
                }
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"provider {answer.Provider}; {answer.CompletionTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} tokens; paid {(answer.Payment is { } p ? $"{(p.Amount + p.Fee).ToSatsFloor().Value} sat (hash {p.PaymentHash.ToHex()})" : "nothing")}"
                    + (answer.Skipped.Count > 0 ? $"; skipped {string.Join("; ", answer.Skipped)}" : ""));
                return 0;
            }
            catch (InferenceUnavailableException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private Command InferServeCommand()
    {
        var port = new Option<int>("--port") { Description = "Local port of the OpenAI-compatible endpoint (0 picks one)", DefaultValueFactory = _ => 8080 };
        var refresh = new Option<double>("--refresh-interval-s")
        {
            Description = "Seconds between background probes of providers whose history is stale or missing (0: no background refresh)", DefaultValueFactory = _ => 300,
        };
        var command = new Command("serve", "Serve a local OpenAI-compatible endpoint (GET /v1/models, POST /v1/chat/completions, streaming) that pays the best provider and falls back.")
        {
            port, providers, inferDirectories, lnd, macaroon, cert, budget, dailyBudget, results, providerCache, cacheTtlHours, timeoutSeconds, refresh,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(port) is < 0 or > 65535) return await Fail(parse, "--port must be a port from 0 to 65535");
            var refreshSeconds = parse.GetValue(refresh);
            if (refreshSeconds is not (>= 0 and <= 86_400)) return await Fail(parse, "--refresh-interval-s must be between 0 (off) and 86400");
            if (await RouterAsync(parse, ct) is not { } opened) return 2;
            var (router, wallet) = opened;
            using var owned = wallet as IDisposable;
            using var disposeRouter = router;
            var error = parse.InvocationConfiguration.Error;
            // Probes only what is stale or missing, beside the requests; a failing provider drops down before a request meets it.
            await using var refresher = refreshSeconds > 0
                ? new ProviderRefresher(router.Providers, router.History, TimeSpan.FromSeconds(refreshSeconds), TimeSpan.FromSeconds(parse.GetValue(timeoutSeconds)),
                    onRound: async (round, token) =>
                    {
                        foreach (var failed in round.Probes.Where(p => !p.Answered)) await error.WriteLineAsync($"refresh: {failed.Provider} failed: {failed.Error}");
                        if (round.Error is { } reason) await error.WriteLineAsync($"refresh: round skipped: {reason}");
                    })
                : null;
            refresher?.Start();
            await using var proxy = await InferenceProxy.StartAsync(router, $"http://127.0.0.1:{parse.GetValue(port)}", ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"serving OpenAI-compatible inference on {proxy.Url}/v1 (Ctrl+C stops)");
            await parse.InvocationConfiguration.Output.FlushAsync(ct);
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = ct.Register(() => stopped.TrySetResult());
            await stopped.Task;
            return 0;
        });
        return command;
    }

    private async Task<(InferenceRouter Router, ILightningNode Wallet)?> RouterAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var urls = parse.GetValue(providers) ?? [];
        var directoryUrls = (parse.GetValue(inferDirectories) ?? []).Select(Url).ToList();
        if (urls.Length + directoryUrls.Count == 0) { await Fail(parse, "--provider or --directory is required: the base URL of an inference provider, or of a directory listing them (repeatable)"); return null; }
        var parsed = urls.Select(Url).ToList();
        if (parsed.Any(u => u is null)) { await Fail(parse, "--provider must be an http(s) URL such as http://127.0.0.1:8402/"); return null; }
        if (directoryUrls.Any(u => u is null)) { await Fail(parse, "--directory must be an http(s) URL such as https://satring.com/"); return null; }
        if (directoryUrls.Count > 0)
        {
            // Pinned providers come first; a directory adds the inference services that answered a payable 402 when
            // probed (without paying), in the order discover ranks them, and the router's history ranks from there on.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(timeoutSeconds), 1, 3600)) };
            var report = await DiscoveryClient.DiscoverAsync(http, [.. directoryUrls.Select(u => u!)], [], "inference", null, cancellationToken);
            foreach (var source in report.Unreachable) await parse.InvocationConfiguration.Error.WriteLineAsync($"directory {source.Source}: {source.Reason}");
            var found = report.Services.Where(s => s.Reachable).Select(s => Url(DiscoveryClient.HistoryKey(s.Candidate.Url))).OfType<Uri>()
                .Where(u => !parsed.Any(p => p!.AbsoluteUri == u.AbsoluteUri)).DistinctBy(u => u.AbsoluteUri).ToList();
            await parse.InvocationConfiguration.Error.WriteLineAsync($"directories listed {found.Count} payable inference provider(s)");
            parsed.AddRange(found);
            if (parsed.Count == 0) { await Fail(parse, "no inference provider: the directories listed none that answered a payable 402, and no --provider was given"); return null; }
        }
        if (parse.GetValue(cacheTtlHours) is not (> 0 and <= 24 * 365)) { await Fail(parse, "--cache-ttl-hours must be more than 0"); return null; }
        if (parse.GetValue(timeoutSeconds) is not (> 0 and <= 3600)) { await Fail(parse, "--timeout-s must be between 0 and 3600"); return null; }
        if (OpenWallet(parse) is not { } wallet) { await Fail(parse, "--lnd (an http(s) URL) and --macaroon are required: the wallet that pays providers"); return null; }
        var payment = new L402ClientOptions { Budget = new L402Budget(new Sats(parse.GetValue(budget)), PerDay: new Sats(parse.GetValue(dailyBudget))) };
        var history = new ProviderHistory(parse.GetValue(providerCache)!, TimeProvider.System, TimeSpan.FromHours(parse.GetValue(cacheTtlHours)));
        var router = new InferenceRouter(wallet, payment, new InferenceRouterOptions([.. parsed.Select(u => u!)], TimeSpan.FromSeconds(parse.GetValue(timeoutSeconds))),
            history, new ProvenanceLog(parse.GetValue(results)!, TimeProvider.System));
        return (router, wallet);
    }
}
