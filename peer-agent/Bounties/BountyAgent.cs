using L402Train.Bounties.Improvers;
using L402Train.Bounties.Sandbox;
using L402Train.Lightning;

namespace L402Train.PeerAgent.Bounties;

/// <summary>How a bounty agent works.</summary>
public sealed record BountyAgentOptions
{
    /// <summary>The agent's name at the coordinator.</summary>
    public string Agent { get; init; } = "agent";

    /// <summary>Proposals to evaluate locally before submitting.</summary>
    public int Iterations { get; init; } = 40;

    /// <summary>Where downloaded baselines are unpacked (one sub-folder per bounty version).</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "l402train-bounties");

    /// <summary>Runs the sponsor's eval in bubblewrap (null: directly on this host).</summary>
    public BubblewrapSandbox? Sandbox { get; init; }

    /// <summary>Register sha256(diff ‖ nonce) before revealing the diff.</summary>
    public bool CommitFirst { get; init; } = true;

    /// <summary>Submit even when the local gain is below the bounty's minimum improvement.</summary>
    public bool SubmitBelowMinimum { get; init; }

    /// <summary>How long to wait for a verdict, and then for the reward and the deposit to resolve.</summary>
    public TimeSpan VerdictTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>Makes the improver for a downloaded bounty (it may read the task, the files, the public set).</summary>
public delegate IImprover ImproverFactory(BountyWorkspace workspace);

/// <summary>What a <c>bounty run</c> did.</summary>
/// <param name="Bounty">The bounty as downloaded.</param>
/// <param name="BaselineScore">The downloaded tree's score on the public set.</param>
/// <param name="LocalBestScore">The best public score reached locally.</param>
/// <param name="Steps">Every proposal evaluated.</param>
/// <param name="Diff">The diff from the baseline to the best files (empty when nothing improved).</param>
/// <param name="Outcome">The submission's outcome; null when nothing was submitted.</param>
/// <param name="Skipped">Why nothing was submitted.</param>
public sealed record BountyRunResult(
    BountyDetail Bounty, double BaselineScore, double LocalBestScore, IReadOnlyList<ImprovementStep> Steps, string Diff,
    BountySubmissionOutcome? Outcome, string? Skipped);

/// <summary>How a submission ended.</summary>
/// <param name="SubmissionId">The submission (the deposit's payment hash).</param>
/// <param name="Status">accepted or rejected.</param>
/// <param name="Reason">The verdict's reason code.</param>
/// <param name="PublicScore">The validator's public score.</param>
/// <param name="HeldoutScore">The validator's held-out score.</param>
/// <param name="RewardSats">Reward received (after the coordinator's fee).</param>
/// <param name="FeeSats">The coordinator's fee.</param>
/// <param name="Deposit">refunded, forfeited (or held when it did not resolve in time).</param>
/// <param name="DepositSats">The deposit.</param>
/// <param name="CreditedTo">The earlier submission a copy was credited to.</param>
/// <param name="NewVersion">The bounty version an accepted diff created.</param>
public sealed record BountySubmissionOutcome(
    string SubmissionId, string Status, string? Reason, double? PublicScore, double? HeldoutScore, long RewardSats, long FeeSats,
    string Deposit, long DepositSats, string? CreditedTo, int? NewVersion);

/// <summary>
/// The reference bounty agent: buys a bounty's current best through L402, evaluates it locally on
/// the public set, lets an improver propose edits and keeps what scores better, then commits to
/// the best diff, reveals it behind the hold deposit, waits for the verdict and claims the reward.
/// Every paid action is appended to the provenance log.
/// </summary>
public sealed partial class BountyAgent(
    BountyClient client, ILightningNode wallet, BountyAgentOptions options, TimeProvider time, ProvenanceLog? log = null, IProgress<string>? progress = null)
{
    /// <summary>The agent's settings.</summary>
    public BountyAgentOptions Options => options;

    /// <summary>Buys the bounty's task (the L402 fee) and logs the payment, without unpacking it (e.g. to learn the version to submit against).</summary>
    public async Task<BountyDetail> BuyAsync(string bountyId, CancellationToken cancellationToken)
    {
        var paid = await client.GetAsync(bountyId, cancellationToken);
        var bounty = paid.Bounty;
        if (paid.Payment is { } p)
        {
            await AppendAsync(new ProvenanceEntry(Now, "baseline", bounty.Id, options.Agent, PaymentHash: p.PaymentHash, Preimage: p.Preimage,
                Sats: p.Sats, Version: bounty.Version), cancellationToken);
        }
        progress?.Report($"{options.Agent}: bought {bounty.Id} v{bounty.Version} ({paid.Payment?.Sats ?? 0} sat)");
        return bounty;
    }

    /// <summary>Buys the bounty (the L402 fee), logs the payment and unpacks the tree into <paramref name="folder"/> (default: under the work directory).</summary>
    public async Task<BountyWorkspace> DownloadAsync(string bountyId, CancellationToken cancellationToken, string? folder = null)
    {
        var bounty = await BuyAsync(bountyId, cancellationToken);
        folder ??= Path.Combine(options.WorkDirectory, $"{bounty.Id}-v{bounty.Version}-{Guid.NewGuid():N}"[..48]);
        var workspace = BountyWorkspace.Unpack(bounty, folder, options.Sandbox, time);
        progress?.Report($"{options.Agent}: unpacked {bounty.Id} v{bounty.Version} to {workspace.Folder}");
        return workspace;
    }

    /// <summary>The whole loop: download, improve locally for the configured iterations, and submit the best diff when it beats the baseline enough.</summary>
    public async Task<BountyRunResult> RunAsync(string bountyId, ImproverFactory improvers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(improvers);
        var workspace = await DownloadAsync(bountyId, cancellationToken);
        var bounty = workspace.Bounty;
        if (bounty.Status != "active") return new BountyRunResult(bounty, 0, 0, [], "", null, $"the bounty is {bounty.Status}, not active");
        if (workspace.TargetFiles().Count == 0) return new BountyRunResult(bounty, 0, 0, [], "", null, "no file of the tree matches the target globs");

        var direction = workspace.Direction;
        var result = await ImproveAsync(workspace, improvers, cancellationToken);
        var gain = direction.Improvement(result.BaselineScore, result.BestScore);
        if (result.Diff.Length == 0 || gain <= 0)
            return new BountyRunResult(bounty, result.BaselineScore, result.BestScore, result.Steps, result.Diff, null, "no local improvement");
        if (gain < bounty.MinImprovement && !options.SubmitBelowMinimum)
        {
            return new BountyRunResult(bounty, result.BaselineScore, result.BestScore, result.Steps, result.Diff, null,
                $"the local gain {gain:0.####} is below the bounty's minimum improvement {bounty.MinImprovement:0.####}");
        }
        var outcome = await SubmitAsync(bounty, result.Diff, result.BestScore, cancellationToken);
        return new BountyRunResult(bounty, result.BaselineScore, result.BestScore, result.Steps, result.Diff, outcome, null);
    }

    /// <summary>The local keep-or-discard loop on the public set, from the workspace's target files, for the configured iterations.</summary>
    public async Task<ImprovementResult> ImproveAsync(BountyWorkspace workspace, ImproverFactory improvers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(improvers);
        var improver = improvers(workspace);
        var evaluated = 0;
        async Task<double?> Evaluate(IReadOnlyDictionary<string, string> candidate, CancellationToken ct)
        {
            var score = await workspace.Evaluator.ScoreAsync(candidate, ct);
            if (++evaluated % 10 == 0) progress?.Report($"{options.Agent}: {evaluated} evaluations");
            return score;
        }
        var result = await ImprovementLoop.RunAsync(improver, workspace.TargetFiles(), Evaluate, workspace.Direction, options.Iterations, cancellationToken: cancellationToken);
        progress?.Report($"{options.Agent}: public score {result.BaselineScore:0.####} -> {result.BestScore:0.####} after {result.Steps.Count} proposals");
        return result;
    }

    /// <summary>Commits to <paramref name="diff"/> (when configured), reveals it behind the deposit, waits for the verdict and claims any reward.</summary>
    public async Task<BountySubmissionOutcome> SubmitAsync(BountyDetail bounty, string diff, double? claimedScore, CancellationToken cancellationToken, string? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        var commitment = options.CommitFirst || nonce is not null ? await CommitAsync(bounty.Id, diff, cancellationToken, nonce) : null;
        var filed = await RevealAsync(bounty, diff, claimedScore, commitment, cancellationToken);
        return await FollowAsync(bounty.Id, filed, diff, cancellationToken);
    }

    /// <summary>Registers sha256(diff ‖ nonce) at the coordinator.</summary>
    public async Task<Commitment> CommitAsync(string bountyId, string diff, CancellationToken cancellationToken, string? nonce = null)
    {
        var commitment = Commitment.To(diff, nonce);
        var registered = await client.CommitAsync(bountyId, commitment.Hash, options.Agent, cancellationToken);
        progress?.Report($"{options.Agent}: committed {commitment.Hash[..12]}… as #{registered.Sequence}");
        return commitment;
    }

    /// <summary>Files the diff behind the hold deposit (revealing <paramref name="commitment"/>'s nonce) and logs the deposit.</summary>
    public async Task<FiledSubmission> RevealAsync(BountyDetail bounty, string diff, double? claimedScore, Commitment? commitment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bounty);
        var filed = await client.SubmitAsync(bounty.Id, diff, bounty.Version, claimedScore, commitment?.Nonce, options.Agent, cancellationToken);
        await AppendAsync(new ProvenanceEntry(Now, "deposit", bounty.Id, options.Agent, filed.Submitted.SubmissionId, Commitment.DiffSha256(diff),
            commitment?.Hash, filed.DepositPaymentHash, null, filed.DepositSats, bounty.Version, claimedScore, Deposit: "held"), cancellationToken);
        progress?.Report($"{options.Agent}: submitted {filed.Submitted.SubmissionId[..12]}… against v{bounty.Version} ({filed.DepositSats} sat deposit held)");
        return filed;
    }

    private DateTimeOffset Now => time.GetUtcNow();

    private Task AppendAsync(ProvenanceEntry entry, CancellationToken cancellationToken) =>
        log is null ? Task.CompletedTask : log.AppendAsync(entry, cancellationToken);
}
