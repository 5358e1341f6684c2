using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Protocol.Research;

namespace L402Train.PeerAgent.Research;

/// <summary>Settings of <see cref="ResearchLoop"/>.</summary>
/// <param name="Rounds">Rounds to publish in all (a resumed loop counts the rounds already published).</param>
/// <param name="Prefer">A worker endpoint to ask first when it is healthy.</param>
public sealed record ResearchLoopOptions(int Rounds, Uri? Prefer = null);

/// <summary>What one published round cost and gave: the overhead phases against the run itself.</summary>
/// <param name="Result">The published line.</param>
/// <param name="Improved">True when it became the best.</param>
/// <param name="Discovery">Time spent reading the index (all tries of the round).</param>
/// <param name="Probe">Time spent probing prices.</param>
/// <param name="Payment">Time from paying the hold invoice to the worker's 202.</param>
/// <param name="Run">Time from the 202 to the delivered result (the worker's run and the long-poll).</param>
/// <param name="Settle">Time from the delivered result to the preimage in hand.</param>
/// <param name="Publish">Time to write the line and the state.</param>
/// <param name="WorkerRunSeconds">The run's own wall time as the worker measured it.</param>
/// <param name="Failures">Workers that failed this round before one delivered.</param>
public sealed record ResearchRoundReport(
    ResearchResult Result, bool Improved, TimeSpan Discovery, TimeSpan Probe, TimeSpan Payment, TimeSpan Run, TimeSpan Settle, TimeSpan Publish,
    double? WorkerRunSeconds, IReadOnlyList<string> Failures);

/// <summary>
/// Seed 004's THINK / CLAIM / RUN / PUBLISH loop over paid workers. THINK proposes a config
/// (<see cref="IResearchThinker"/>); CLAIM discovers workers, probes each and orders the healthy ones
/// (the preferred one first, then the cheapest); RUN pays the first one's hold invoice, submits and
/// long-polls, and moves to the next worker when one fails (the failed worker's hold invoice is
/// cancelled on its side, so only delivered results are paid); PUBLISH appends the result, with the
/// payment's hash and preimage, to <c>results.jsonl</c>. The state is saved after every step, and the
/// deposit the moment it is locked, so a loop killed anywhere resumes without paying twice: a paid
/// experiment is recovered and polled, never bought again.
/// </summary>
public sealed partial class ResearchLoop(
    IWorkerMarket market, IResearchThinker thinker, ResearchExperiment experiment, ResearchStateFile stateFile, ResearchResults results,
    TimeProvider time, IProgress<string>? progress = null)
{
    private ResearchState state = new() { Experiment = experiment.Identity };

    /// <summary>The state as last saved.</summary>
    public ResearchState State => state;

    /// <summary>Runs rounds until <see cref="ResearchLoopOptions.Rounds"/> are published or THINK has nothing left to try.</summary>
    public async Task<IReadOnlyList<ResearchRoundReport>> RunAsync(ResearchLoopOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        state = stateFile.Load() ?? state;
        if (state.Experiment != experiment.Identity)
            throw new ResearchException($"{stateFile.Path} belongs to another experiment ({state.Experiment}); give another --state or delete it to start over");
        var reports = new List<ResearchRoundReport>();
        while (state.Completed < options.Rounds)
        {
            await ReconcileOrphansAsync(cancellationToken);
            if (state.Pending is null && !await ThinkAsync(cancellationToken)) break;
            if (await RoundAsync(options, cancellationToken) is { } report) reports.Add(report);
        }
        await ReconcileOrphansAsync(cancellationToken);
        if (state.Orphans.Count > 0) Report($"{state.Orphans.Count} deposit(s) with failed workers still held: their workers cancel them on recovery; the next run checks them again");
        return reports;
    }

    // THINK: the first round runs the experiment as given (the baseline); later rounds vary the best config.
    private async Task<bool> ThinkAsync(CancellationToken cancellationToken)
    {
        var round = state.Completed + 1;
        ResearchIdea? idea = state.BestConfig is null
            ? new ResearchIdea((JsonObject)experiment.Config.DeepClone(), "baseline", null)
            : await thinker.ThinkAsync(state, ResearchResults.Read(results.Path), cancellationToken);
        if (idea is null)
        {
            Report($"round {round}: THINK has nothing new to try (every neighbour of the best config has run); stopping");
            return false;
        }
        await SaveAsync(state with { Pending = new PendingExperiment { Round = round, Config = idea.Config, Move = idea.Move, At = idea.At } }, cancellationToken);
        Report($"round {round}: THINK {idea.Move}: {CanonicalJson.Serialize(idea.Config)}");
        return true;
    }

    private async Task<ResearchRoundReport?> RoundAsync(ResearchLoopOptions options, CancellationToken cancellationToken)
    {
        var clock = new PhaseClock(time);
        while (true)
        {
            var pending = state.Pending!;
            var request = experiment.Request(pending.Config);
            try
            {
                switch (pending.Phase)
                {
                    case ResearchPhase.Thought:
                        if (!await ClaimAndPayAsync(pending, request, options, clock, cancellationToken)) return await RejectedAsync(pending);
                        break;
                    case ResearchPhase.Locked:
                        await RecoverAsync(pending, cancellationToken);
                        break;
                    case ResearchPhase.Submitted:
                        await WaitAsync(pending, clock, cancellationToken);
                        break;
                    case ResearchPhase.Delivered:
                        return await SettleAndPublishAsync(pending, clock, cancellationToken);
                }
            }
            catch (WorkerFailedException e)
            {
                // The state as saved, not the round's copy: a deposit locked during this step is in it.
                await WorkerFailedAsync(state.Pending!, e.Message, cancellationToken);
            }
        }
    }

    // CLAIM and the paying half of RUN. False when every worker refused the config itself (nothing paid).
    private async Task<bool> ClaimAndPayAsync(PendingExperiment pending, ExperimentRequest request, ResearchLoopOptions options, PhaseClock clock, CancellationToken cancellationToken)
    {
        var workers = await clock.TimeAsync(Phase.Discovery, () => market.DiscoverAsync(cancellationToken));
        var failed = pending.FailedWorkers.ToHashSet(StringComparer.Ordinal);
        var candidates = workers.Where(w => !failed.Contains(w.AgentId)).ToList();
        if (candidates.Count == 0)
            throw new ResearchException($"no worker left to run round {pending.Round}: the index lists {workers.Count}, and {failed.Count} failed this round ({string.Join("; ", pending.Failures)}); run the loop again later to resume");
        var quotes = new List<WorkerQuote>();
        foreach (var worker in candidates) quotes.Add(await clock.TimeAsync(Phase.Probe, () => market.ProbeAsync(worker, request, cancellationToken)));
        foreach (var q in quotes.Where(q => !q.Healthy)) Report($"round {pending.Round}: CLAIM skips {q.Worker.Endpoint}: {q.Problem}");
        var healthy = quotes.Where(q => q.Healthy)
            .OrderBy(q => options.Prefer is not null && SameEndpoint(q.Worker.Endpoint, options.Prefer) ? 0 : 1)
            .ThenBy(q => q.PriceSats).ThenBy(q => q.Worker.AgentId, StringComparer.Ordinal).ToList();
        if (healthy.Count == 0)
        {
            if (quotes.Count > 0 && quotes.All(q => q.Rejected)) return false;
            throw new ResearchException($"no healthy worker for round {pending.Round}: {string.Join("; ", quotes.Select(q => $"{q.Worker.Endpoint}: {q.Problem}"))}");
        }
        var quote = healthy[0];
        Report($"round {pending.Round}: CLAIM {quote.Worker.Endpoint} ({quote.Worker.Name}) at {quote.PriceSats} sat");
        pending = pending with { Worker = quote.Worker, PriceSats = quote.PriceSats };
        await SaveAsync(state with { Pending = pending }, cancellationToken);
        var accepted = await clock.TimeAsync(Phase.Payment, () => market.SubmitAsync(quote, request, async deposit =>
        {
            // Saved before the worker is asked, whatever happens to this process next: a restart recovers this deposit instead of paying another.
            await SaveAsync(state with
            {
                Pending = pending with { Phase = ResearchPhase.Locked, Worker = quote.Worker, PriceSats = quote.PriceSats, Deposit = deposit, LockedAt = time.GetUtcNow() },
            }, CancellationToken.None);
            Report($"round {pending.Round}: RUN paid {deposit.AmountSats} sat (hold, hash {deposit.PaymentHash[..16]}…)");
        }, cancellationToken));
        await SubmittedAsync(accepted, cancellationToken);
        return true;
    }

    private async Task RecoverAsync(PendingExperiment pending, CancellationToken cancellationToken)
    {
        Report($"round {pending.Round}: resuming a paid experiment at {pending.Worker!.Endpoint} (hash {pending.Deposit!.PaymentHash[..16]}…): not paying again");
        var accepted = await market.RecoverAsync(pending.Worker.Endpoint, pending.Deposit, cancellationToken)
            ?? throw new WorkerFailedException($"{pending.Worker.Endpoint} has no experiment for the deposit {pending.Deposit.PaymentHash[..16]}… (it never took it; its hold invoice is cancelled on its side)");
        await SubmittedAsync(accepted, cancellationToken);
    }

    private async Task SubmittedAsync(ExperimentAccepted accepted, CancellationToken cancellationToken)
    {
        var pending = state.Pending!;
        if (!string.Equals(accepted.PaymentHash, pending.Deposit?.PaymentHash, StringComparison.OrdinalIgnoreCase))
            throw new WorkerFailedException($"{pending.Worker?.Endpoint} answered for another payment ({accepted.PaymentHash})");
        await SaveAsync(state with { Pending = pending with { Phase = ResearchPhase.Submitted, ExperimentId = accepted.ExperimentId } }, cancellationToken);
        Report($"round {pending.Round}: RUN {accepted.ExperimentId} {ProtocolJson.Name(accepted.State)} at {pending.Worker!.Endpoint}");
    }

    private async Task WaitAsync(PendingExperiment pending, PhaseClock clock, CancellationToken cancellationToken)
    {
        var view = await clock.TimeAsync(Phase.Run, () => market.WaitAsync(pending.Worker!.Endpoint, pending.ExperimentId!, cancellationToken));
        if (view.State == ExperimentState.Abandoned)
            throw new WorkerFailedException($"{pending.Worker!.Endpoint} abandoned {view.ExperimentId}: {view.Error ?? "no reason given"} (its hold invoice is cancelled)");
        if (view.State is not (ExperimentState.Completed or ExperimentState.Failed))
            throw new WorkerFailedException($"{pending.Worker!.Endpoint} stopped answering for {view.ExperimentId} while it was {ProtocolJson.Name(view.State)}");
        await SaveAsync(state with { Pending = pending with { Phase = ResearchPhase.Delivered, Result = view } }, cancellationToken);
        Report($"round {pending.Round}: RUN {view.ExperimentId} {ProtocolJson.Name(view.State)}: val_bpb {view.ValBpb?.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
    }

    private async Task WorkerFailedAsync(PendingExperiment pending, string reason, CancellationToken cancellationToken)
    {
        Report($"round {pending.Round}: worker failed: {reason}; trying the next worker");
        var agent = pending.Worker?.AgentId;
        // A deposit locked with the failed worker stays on record until it resolves: its worker cancels it (refund), or,
        // had it delivered after all, settles it, and then the result it paid for is published too.
        var orphans = pending.Deposit is null ? state.Orphans : [.. state.Orphans, pending];
        await SaveAsync(state with
        {
            Orphans = orphans,
            Pending = new PendingExperiment
            {
                Round = pending.Round, Config = pending.Config, Move = pending.Move, At = pending.At,
                FailedWorkers = agent is null ? pending.FailedWorkers : [.. pending.FailedWorkers, agent],
                Failures = [.. pending.Failures, reason],
            },
        }, cancellationToken);
    }

    private async Task SaveAsync(ResearchState next, CancellationToken cancellationToken)
    {
        await stateFile.SaveAsync(next, cancellationToken);
        state = next;
    }

    private void Report(string line) => progress?.Report(line);

    private static bool SameEndpoint(Uri a, Uri b) =>
        string.Equals(a.AbsoluteUri.TrimEnd('/'), b.AbsoluteUri.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static JsonObject? ToObject<T>(T value) => JsonSerializer.SerializeToNode(value, ProtocolJson.Options) as JsonObject;
}
