using System.Text.Json;
using System.Text.Json.Serialization;

namespace L402Train.PeerAgent.Claims;

/// <summary>Which track a pending claim belongs to.</summary>
public static class ClaimKinds
{
    /// <summary>A bounty submission (<c>peer-agent bounty claim</c>).</summary>
    public const string Bounty = "bounty";

    /// <summary>A gradient submission (<c>peer-agent train claim</c>).</summary>
    public const string Training = "train";
}

/// <summary>
/// A deposit this agent locked for a submission, with the credential that later authorizes the
/// claim of its reward. Saved the moment the deposit is locked, before the request that files the
/// submission is even sent, so a lost connection or a crash never loses the way to the reward.
/// </summary>
/// <param name="Kind">bounty or train (<see cref="ClaimKinds"/>).</param>
/// <param name="Coordinator">The coordinator's base URL.</param>
/// <param name="SubmissionId">The deposit's payment hash (hex), which is the submission's id.</param>
/// <param name="Credential">The <c>Authorization</c> value of the deposit (<c>L402 &lt;macaroon&gt;:</c>): a secret.</param>
/// <param name="DepositSat">The deposit locked.</param>
/// <param name="LockedAt">When the deposit was locked.</param>
/// <param name="BountyId">The bounty, for a bounty submission.</param>
public sealed record PendingClaim(
    string Kind, string Coordinator, string SubmissionId, string Credential, long DepositSat, DateTimeOffset LockedAt, string? BountyId = null);

/// <summary>
/// The pending claims of one wallet directory: one file per claim under <c>pending-claims/</c>
/// (folder 0700, files 0600, since each holds a credential), written atomically, so concurrent
/// agents sharing the directory never lose each other's claims.
/// </summary>
public sealed class PendingClaims
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The store under <paramref name="walletDirectory"/> (created on the first write).</summary>
    public PendingClaims(string walletDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(walletDirectory);
        WalletDirectory = Path.GetFullPath(walletDirectory);
        Folder = Path.Combine(WalletDirectory, "pending-claims");
    }

    /// <summary>The wallet directory.</summary>
    public string WalletDirectory { get; }

    /// <summary>Where the claim files are.</summary>
    public string Folder { get; }

    /// <summary>The default wallet directory: <c>$L402TRAIN_WALLET_DIR</c>, else <c>~/.l402train</c>.</summary>
    public static string DefaultWalletDirectory() =>
        Environment.GetEnvironmentVariable("L402TRAIN_WALLET_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".l402train");

    /// <summary>Saves (or replaces) the claim of <see cref="PendingClaim.SubmissionId"/>.</summary>
    public async Task SaveAsync(PendingClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var file = FileOf(claim.SubmissionId);
        EnsureFolder();
        var temp = Path.Combine(Folder, $".{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        await using (var stream = new FileStream(temp, options))
        {
            await JsonSerializer.SerializeAsync(stream, claim, Json, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, file, overwrite: true);
    }

    /// <summary>Every pending claim (unreadable files are skipped and named in <paramref name="unreadable"/>).</summary>
    public IReadOnlyList<PendingClaim> Read(List<string>? unreadable = null)
    {
        if (!Directory.Exists(Folder)) return [];
        var claims = new List<PendingClaim>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                if (JsonSerializer.Deserialize<PendingClaim>(File.ReadAllText(file), Json) is { } claim) claims.Add(claim);
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                unreadable?.Add($"{file}: {e.Message}");
            }
        }
        return claims;
    }

    /// <summary>The pending claims of one kind at one coordinator (optionally one submission).</summary>
    public IReadOnlyList<PendingClaim> For(string kind, Uri coordinator, string? submissionId = null) =>
        [.. Read().Where(c => c.Kind == kind && SameCoordinator(c.Coordinator, coordinator)
            && (submissionId is null || string.Equals(c.SubmissionId, submissionId, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>Forgets a finished claim (no-op when it is not there).</summary>
    public void Remove(string submissionId) => File.Delete(FileOf(submissionId));

    private static bool SameCoordinator(string saved, Uri coordinator) =>
        Uri.TryCreate(saved, UriKind.Absolute, out var uri) && Uri.Compare(uri, coordinator, UriComponents.SchemeAndServer | UriComponents.Path,
            UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private string FileOf(string submissionId)
    {
        // The id names the file: only a payment hash (64 hex) may, never a path.
        if (submissionId is not { Length: 64 } || !submissionId.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"'{submissionId}' is not a submission id (64 hex characters).", nameof(submissionId));
        return Path.Combine(Folder, submissionId.ToLowerInvariant() + ".json");
    }

    private void EnsureFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder);
            return;
        }
        if (!Directory.Exists(WalletDirectory)) Directory.CreateDirectory(WalletDirectory, OwnerOnlyFolder);
        if (!Directory.Exists(Folder)) Directory.CreateDirectory(Folder, OwnerOnlyFolder);
        File.SetUnixFileMode(Folder, OwnerOnlyFolder);
    }
}
