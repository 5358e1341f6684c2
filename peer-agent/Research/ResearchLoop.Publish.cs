using System.Text.Json.Nodes;
using L402Train.Protocol.Research;

namespace L402Train.PeerAgent.Research;

/// <summary>PUBLISH: the settled result to <c>results.jsonl</c> (once), the best and the climb moved on.</summary>
public sealed partial class ResearchLoop
{
    private async Task<ResearchRoundReport> SettleAndPublishAsync(PendingExperiment pending, PhaseClock clock, CancellationToken cancellationToken)
    {
        var deposit = pending.Deposit!;
        var preimage = await clock.TimeAsync(Phase.Settle, () => market.PreimageAsync(deposit.PaymentHash, cancellationToken))
            ?? throw new WorkerFailedException($"{pending.Worker!.Endpoint} delivered {pending.ExperimentId} but cancelled its invoice: the result has no proof of payment");
        var (result, resolved) = Line(pending, preimage);
        var improved = result.Status == "completed" && result.ValBpb is { } bpb && (state.BestValBpb is not { } best || bpb < best);
        await clock.TimeAsync(Phase.Publish, async () =>
        {
            // Idempotent: a loop that died after appending and before saving finds its line and does not write it twice.
            if (!await results.ContainsAsync(deposit.PaymentHash, cancellationToken)) await results.AppendAsync(result, cancellationToken);
            var climbed = state.BestConfig ?? resolved;
            await SaveAsync(state with
            {
                Completed = pending.Round,
                BestConfig = improved || state.BestConfig is null ? resolved : state.BestConfig,
                BestValBpb = improved ? result.ValBpb : state.BestValBpb,
                BestExperimentId = improved ? result.ExperimentId : state.BestExperimentId,
                Climb = pending.At is { } at ? HillClimb.Next(at, improved, HillClimb.Parameters(climbed).Count) : state.Climb,
                Tried = [.. state.Tried, ConfigKey.Of(pending.Config), ConfigKey.Of(resolved)],
                Pending = null,
            }, cancellationToken);
            return true;
        });
        Report($"round {pending.Round}: PUBLISH {result.ExperimentId} {result.Status} val_bpb {Bpb(result.ValBpb)}{(improved ? " (new best)" : "")}; best {Bpb(state.BestValBpb)}");
        var view = pending.Result!;
        return new ResearchRoundReport(result, improved, clock[Phase.Discovery], clock[Phase.Probe], clock[Phase.Payment], clock[Phase.Run], clock[Phase.Settle],
            clock[Phase.Publish], view.RunSeconds, pending.Failures);
    }

    // Every worker refused the config itself (a 4xx, before any payment): count it as tried, move the climb on, publish nothing.
    private async Task<ResearchRoundReport?> RejectedAsync(PendingExperiment pending)
    {
        Report($"round {pending.Round}: every worker refused {pending.Move}; nothing paid, trying another variation");
        var climbed = state.BestConfig ?? pending.Config;
        await SaveAsync(state with
        {
            Climb = pending.At is { } at ? HillClimb.Next(at, improved: false, HillClimb.Parameters(climbed).Count) : state.Climb,
            Tried = [.. state.Tried, ConfigKey.Of(pending.Config)],
            Pending = null,
        }, CancellationToken.None);
        return null;
    }

    // Deposits left with workers that failed: a refund drops them; a late settlement means the run was delivered and paid after all, so it is published.
    private async Task ReconcileOrphansAsync(CancellationToken cancellationToken)
    {
        foreach (var orphan in state.Orphans)
        {
            var deposit = orphan.Deposit!;
            var status = await market.DepositAsync(deposit.PaymentHash, cancellationToken);
            if (status.State == DepositState.Held) continue;
            if (status.State == DepositState.Settled && orphan.ExperimentId is { } id && !await results.ContainsAsync(deposit.PaymentHash, cancellationToken))
            {
                ExperimentView view;
                try
                {
                    view = await market.WaitAsync(orphan.Worker!.Endpoint, id, cancellationToken);
                }
                catch (WorkerFailedException e)
                {
                    // Paid, but its result cannot be read now: keep it on record and try again on the next round.
                    Report($"round {orphan.Round}: {id} was settled by its worker but cannot be read yet ({e.Message})");
                    continue;
                }
                var (line, _) = Line(orphan with { Result = view, Move = orphan.Move + " (late)" }, status.Preimage!);
                await results.AppendAsync(line, cancellationToken);
                Report($"round {orphan.Round}: a failed worker delivered {id} after all and settled it: published");
            }
            else
            {
                Report($"round {orphan.Round}: the deposit {deposit.PaymentHash[..16]}… with {orphan.Worker!.Endpoint} was {(status.State == DepositState.Refunded ? "refunded" : "settled without an experiment id")}");
            }
            await SaveAsync(state with { Orphans = [.. state.Orphans.Where(o => o.Deposit!.PaymentHash != deposit.PaymentHash)] }, cancellationToken);
        }
    }

    private (ResearchResult Line, JsonObject Resolved) Line(PendingExperiment pending, string preimage)
    {
        var view = pending.Result!;
        var deposit = pending.Deposit!;
        var resolved = experiment.IsArchive ? pending.Config : ToObject(view.Trainer) ?? pending.Config;
        var status = ProtocolJson.Name(view.State);
        if (DeliveryProblem(pending, view, resolved) is { } problem)
        {
            Report($"round {pending.Round}: {pending.Worker!.Endpoint} delivered something else than was asked ({problem}): published as a mismatch, never a best");
            status = "mismatch";
        }
        var metrics = view.Metrics is null ? null : new JsonObject(view.Metrics.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value))));
        return (new ResearchResult(view.ExperimentId, view.TrainHash, view.ValBpb, metrics, pending.Worker!.Endpoint.AbsoluteUri, pending.Worker.AgentId, view.WorkerId,
            time.GetUtcNow(), deposit.PaymentHash, preimage, deposit.Invoice, pending.PriceSats ?? deposit.AmountSats, pending.Round, pending.Move, resolved, status), resolved);
    }

    // The worker must report the run this deposit paid for, with the hash of what it ran, and the settings asked for.
    private string? DeliveryProblem(PendingExperiment pending, ExperimentView view, JsonObject resolved)
    {
        if (!string.Equals(view.PaymentHash, pending.Deposit!.PaymentHash, StringComparison.OrdinalIgnoreCase)) return "another payment hash";
        if (!string.Equals(view.WorkerId, pending.Worker!.AgentId, StringComparison.OrdinalIgnoreCase)) return $"worker id {view.WorkerId} is not the registration's {pending.Worker.AgentId}";
        if (!string.Equals(experiment.ExpectedTrainHash(view), view.TrainHash, StringComparison.Ordinal)) return $"train_hash {view.TrainHash} is not the hash of what it says it ran";
        if (experiment.IsArchive) return null;
        foreach (var (key, asked) in pending.Config)
        {
            if (!JsonNode.DeepEquals(asked, resolved[key])) return $"{key} ran as {resolved[key]?.ToJsonString() ?? "nothing"}, asked {asked?.ToJsonString()}";
        }
        return null;
    }

    private static string Bpb(double? value) => value?.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
