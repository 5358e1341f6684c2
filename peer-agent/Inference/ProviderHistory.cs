using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.PeerAgent.Inference;

/// <summary>
/// What this client measured of one provider: outcomes, latencies, times to the first token and what
/// it paid per 1k tokens. A field missing from an older cache file reads as nothing measured.
/// </summary>
public sealed record ProviderRecord
{
    /// <summary>The provider's base URL.</summary>
    [JsonPropertyName("url")] public required string Url { get; init; }
    /// <summary>Completions answered.</summary>
    [JsonPropertyName("successes")] public int Successes { get; init; }
    /// <summary>Attempts that failed (refused connection, timeout, 5xx, broken stream).</summary>
    [JsonPropertyName("failures")] public int Failures { get; init; }
    /// <summary>The latest latencies to the first byte of the answer, in milliseconds (at most 50).</summary>
    [JsonPropertyName("latencies_ms")] public IReadOnlyList<double> LatenciesMs { get; init; } = [];
    /// <summary>
    /// The latest times from sending a streamed request (its 402 and payment included) to its first
    /// generated token, in milliseconds (at most 50). A stream's headers and opening role chunk come
    /// before any generation, so <see cref="LatenciesMs"/> cannot tell a slow model from a fast one; this can.
    /// </summary>
    [JsonPropertyName("ttft_ms")] public IReadOnlyList<double> FirstTokenMs { get; init; } = [];
    /// <summary>
    /// The latest times to the answer of an unpaid background probe, in milliseconds (at most 50): the
    /// provider's first byte, standing in for <see cref="FirstTokenMs"/> until a streamed call measures it.
    /// </summary>
    [JsonPropertyName("probe_first_byte_ms")] public IReadOnlyList<double> ProbeFirstByteMs { get; init; } = [];
    /// <summary>
    /// Models this provider refused as not served (OpenAI's <c>model_not_found</c>, before any payment), so
    /// a request for one of them tries it last; a later answer for the model takes it off.
    /// </summary>
    [JsonPropertyName("unserved_models")] public IReadOnlyList<string> UnservedModels { get; init; } = [];
    /// <summary>Sats paid per 1000 requested tokens, last measured; null before the first payment.</summary>
    [JsonPropertyName("sat_per_1k_tokens")] public double? SatPer1kTokens { get; init; }
    /// <summary>When this record last changed.</summary>
    [JsonPropertyName("updated_at")] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Share of attempts answered; 1 before any attempt (a new provider gets its chance).</summary>
    [JsonIgnore] public double SuccessRate => Successes + Failures == 0 ? 1 : (double)Successes / (Successes + Failures);

    /// <summary>The median latency, or null with none measured.</summary>
    [JsonIgnore] public double? LatencyP50Ms => Median(LatenciesMs);

    /// <summary>The median time to the first streamed token, or null before a streamed call.</summary>
    [JsonIgnore] public double? FirstTokenP50Ms => Median(FirstTokenMs);

    /// <summary>
    /// The time to first token the ranking uses: the streamed median where one was measured, else the
    /// probes' median first byte (<see cref="FirstTokenFromProbe"/>), else null (unknown).
    /// </summary>
    [JsonIgnore] public double? TimeToFirstTokenMs => FirstTokenP50Ms ?? Median(ProbeFirstByteMs);

    /// <summary>True when <see cref="TimeToFirstTokenMs"/> comes from probes, not from a stream.</summary>
    [JsonIgnore] public bool FirstTokenFromProbe => FirstTokenP50Ms is null && Median(ProbeFirstByteMs) is not null;

    /// <summary>False when this provider refused <paramref name="model"/> as not served; true for any other model, or none named.</summary>
    public bool MayServe(string? model) => model is null || UnservedModels is null || !UnservedModels.Contains(model, StringComparer.Ordinal);

    // A hand-edited file may say null where a list belongs: that is nothing measured, not a crash.
    private static double? Median(IReadOnlyList<double>? values) => values is not { Count: > 0 } ? null : values.Order().ElementAt(values.Count / 2);
}

/// <summary>
/// Provider history cached on disk (<c>providers.json</c>) for a time to live (4 h by default): a
/// restarted agent ranks from what it measured, and stale measurements expire. Writes replace the
/// file through a temporary one so a crash never leaves half a file.
/// </summary>
public sealed class ProviderHistory(string path, TimeProvider time, TimeSpan? ttl = null)
{
    /// <summary>The default time to live of a measurement.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(4);

    private const int KeptLatencies = 50;
    private const int KeptModels = 20;
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The cache file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>How long a record is trusted.</summary>
    public TimeSpan Ttl { get; } = ttl ?? DefaultTtl;

    /// <summary>The records not older than <see cref="Ttl"/>, by URL.</summary>
    public async Task<IReadOnlyDictionary<string, ProviderRecord>> ReadAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await LoadAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Records an answered completion.</summary>
    /// <param name="url">The provider's base URL.</param>
    /// <param name="latency">Time to the answer's headers.</param>
    /// <param name="satPer1k">What it cost per 1000 requested tokens, or null when nothing was paid.</param>
    /// <param name="firstToken">Time to the first generated token of a streamed answer; null for a plain one.</param>
    /// <param name="model">The model it answered for, which it evidently serves now; null when not named.</param>
    /// <param name="cancellationToken">Stops waiting for the history's lock.</param>
    public Task RecordSuccessAsync(string url, TimeSpan latency, double? satPer1k, CancellationToken cancellationToken, TimeSpan? firstToken = null, string? model = null) =>
        UpdateAsync(url, r => r with
        {
            UnservedModels = [.. (r.UnservedModels ?? []).Where(m => !string.Equals(m, model, StringComparison.Ordinal))],
            Successes = r.Successes + 1,
            LatenciesMs = Keep(r.LatenciesMs, latency),
            FirstTokenMs = firstToken is { } ttft ? Keep(r.FirstTokenMs, ttft) : r.FirstTokenMs ?? [],
            SatPer1kTokens = satPer1k ?? r.SatPer1kTokens,
        }, cancellationToken);

    /// <summary>
    /// Records a background probe that found the provider asking a payable price: the record is
    /// fresh again and its price current, but it counts as no completion (a 402 shows the provider
    /// is up, not that it answers).
    /// </summary>
    /// <param name="url">The provider's base URL.</param>
    /// <param name="satPer1k">The price its 402 asks per 1000 tokens.</param>
    /// <param name="firstByte">Time to the probe's answer, or null when not timed.</param>
    /// <param name="cancellationToken">Stops waiting for the history's lock.</param>
    public Task RecordProbeAsync(string url, double satPer1k, CancellationToken cancellationToken, TimeSpan? firstByte = null) =>
        UpdateAsync(url, r => r with
        {
            SatPer1kTokens = satPer1k,
            ProbeFirstByteMs = firstByte is { } elapsed ? Keep(r.ProbeFirstByteMs, elapsed) : r.ProbeFirstByteMs ?? [],
        }, cancellationToken);

    /// <summary>
    /// Records that the provider refused <paramref name="model"/> as one it does not serve: neither an
    /// answer nor a failure (it is up, and right to refuse), but a request for that model tries it last.
    /// </summary>
    public Task RecordUnservedModelAsync(string url, string model, CancellationToken cancellationToken) =>
        UpdateAsync(url, r => r with { UnservedModels = [.. (r.UnservedModels ?? []).Where(m => m != model).TakeLast(KeptModels - 1), model] }, cancellationToken);

    /// <summary>Records a failed attempt.</summary>
    public Task RecordFailureAsync(string url, CancellationToken cancellationToken) =>
        UpdateAsync(url, r => r with { Failures = r.Failures + 1 }, cancellationToken);

    private static IReadOnlyList<double> Keep(IReadOnlyList<double>? kept, TimeSpan next) => [.. (kept ?? []).TakeLast(KeptLatencies - 1), next.TotalMilliseconds];

    private async Task UpdateAsync(string url, Func<ProviderRecord, ProviderRecord> change, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var records = new Dictionary<string, ProviderRecord>(await LoadAsync(cancellationToken), StringComparer.Ordinal);
            var record = records.GetValueOrDefault(url) ?? new ProviderRecord { Url = url };
            records[url] = change(record) with { UpdatedAt = time.GetUtcNow() };
            if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
            var temporary = Path + ".tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(records.Values.OrderBy(r => r.Url, StringComparer.Ordinal)), cancellationToken);
            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Dictionary<string, ProviderRecord>> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path)) return new(StringComparer.Ordinal);
        ProviderRecord[]? records;
        try
        {
            records = JsonSerializer.Deserialize<ProviderRecord[]>(await File.ReadAllTextAsync(Path, cancellationToken));
        }
        catch (JsonException)
        {
            // A damaged cache is only lost measurements: start again rather than refuse to work.
            return new(StringComparer.Ordinal);
        }
        var oldest = time.GetUtcNow() - Ttl;
        return (records ?? []).Where(r => r.UpdatedAt >= oldest).ToDictionary(r => r.Url, StringComparer.Ordinal);
    }
}

/// <summary>Orders providers from measured history.</summary>
public static class ProviderRanking
{
    /// <summary>
    /// Providers known to refuse <c>model</c> last (<see cref="ProviderRecord.MayServe"/>), then healthy
    /// first (success rate ≥ 0.5; an unmeasured provider counts healthy), then cheapest per 1k
    /// tokens, then shortest time to first token (<see cref="ProviderRecord.TimeToFirstTokenMs"/>), then
    /// fastest median latency; unmeasured after measured at each step; ties keep the given order.
    /// A first token measured on a stream goes before a probe's first byte standing in for one, since a
    /// 402 always comes quicker than a generated token: the stand-in only orders providers never streamed from.
    /// </summary>
    /// <remarks>
    /// Time to first token comes before the median latency: a stream's headers arrive before any
    /// generation, so two providers with the same latency can still differ by a slow model, and the
    /// first token is what a caller waits for.
    /// </remarks>
    /// <param name="providers">Provider base URLs in the given (pinned) order.</param>
    /// <param name="history">What was measured of them, by URL.</param>
    /// <param name="model">The model the request names, or null.</param>
    public static IReadOnlyList<string> Rank(IEnumerable<string> providers, IReadOnlyDictionary<string, ProviderRecord> history, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(history);
        return [.. providers.Distinct(StringComparer.Ordinal)
            .Select(url => (url, record: history.GetValueOrDefault(url)))
            .OrderByDescending(p => p.record?.MayServe(model) ?? true)
            .ThenByDescending(p => (p.record?.SuccessRate ?? 1) >= 0.5)
            .ThenBy(p => p.record?.SatPer1kTokens ?? double.MaxValue)
            .ThenBy(p => p.record?.FirstTokenP50Ms is not null ? 0 : p.record?.TimeToFirstTokenMs is not null ? 1 : 2)
            .ThenBy(p => p.record?.TimeToFirstTokenMs ?? double.MaxValue)
            .ThenBy(p => p.record?.LatencyP50Ms ?? double.MaxValue)
            .Select(p => p.url)];
    }
}
