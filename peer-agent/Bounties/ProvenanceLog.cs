using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.PeerAgent.Bounties;

/// <summary>
/// One line of <c>results.jsonl</c>: a paid action and what it bound together (the bounty, the
/// submission, the payment's hash and preimage, the scores and the verdict).
/// </summary>
/// <param name="At">When the line was written (UTC).</param>
/// <param name="Action"><c>baseline</c> (download fee), <c>deposit</c> (hold deposit locked), <c>verdict</c> (deposit resolved), <c>claim</c> (reward received), <c>llm</c> (a paid chat call).</param>
/// <param name="Bounty">The bounty id.</param>
/// <param name="Agent">Who acted.</param>
/// <param name="SubmissionId">The submission (the deposit's payment hash).</param>
/// <param name="DiffSha256">SHA-256 of the diff's UTF-8 bytes.</param>
/// <param name="Commitment">sha256(diff ‖ nonce) registered before the reveal.</param>
/// <param name="PaymentHash">The payment's hash.</param>
/// <param name="Preimage">Its preimage: proof of a paid download or claim, or of a forfeited deposit; null while unknown.</param>
/// <param name="Sats">Sats moved: paid (positive) or received (claim).</param>
/// <param name="Version">The bounty version the action was against.</param>
/// <param name="PublicScore">Score on the public set.</param>
/// <param name="HeldoutScore">Score on the held-out set (after the verdict).</param>
/// <param name="Verdict">accepted or rejected.</param>
/// <param name="Reason">The verdict's reason code.</param>
/// <param name="Deposit">held, refunded or forfeited.</param>
/// <param name="Url">What was bought (for <c>llm</c>; the provider for <c>infer</c>).</param>
/// <param name="Model">The model a paid completion (<c>infer</c>) named.</param>
/// <param name="Tokens">Tokens that completion generated.</param>
public sealed record ProvenanceEntry(
    DateTimeOffset At,
    string Action,
    string? Bounty,
    string? Agent = null,
    string? SubmissionId = null,
    string? DiffSha256 = null,
    string? Commitment = null,
    string? PaymentHash = null,
    string? Preimage = null,
    long Sats = 0,
    int? Version = null,
    double? PublicScore = null,
    [property: JsonPropertyName("heldout_score")] double? HeldoutScore = null,
    string? Verdict = null,
    string? Reason = null,
    string? Deposit = null,
    string? Url = null,
    string? Model = null,
    int? Tokens = null);

/// <summary>
/// The append-only provenance log (<c>results.jsonl</c>): one JSON object per line, each line
/// written whole and flushed to disk before the call returns, so a crash loses at most the line
/// being written and never corrupts an earlier one.
/// </summary>
public sealed class ProvenanceLog(string path, TimeProvider time)
{
    private static readonly JsonSerializerOptions LineJson = new(BountyClient.Json) { WriteIndented = false };
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The clock that stamps lines.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Appends one line.</summary>
    public async Task AppendAsync(ProvenanceEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = Utf8.GetBytes(JsonSerializer.Serialize(entry, LineJson) + "\n");
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
            await using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough);
            await file.WriteAsync(line, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reads every line back (for tests and reports).</summary>
    public static IReadOnlyList<ProvenanceEntry> Read(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<ProvenanceEntry>(l, LineJson)!)];
}
