using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Bounties.Validation;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using L402Train.Grains.Training;
using L402Train.Lightning;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace L402Train.Bounties.Tests.Flow;

/// <summary>
/// A validation that can never finish must not hold the agent's deposit until its HTLC expires:
/// when the job dies, the submission gets <c>validator_error</c> and the deposit is refunded once.
/// </summary>
public sealed class ValidatorErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DeadJobOwners Owners = new DeadJobOwners().Add(BountyJobTypes.Validate, BountyValidatorError.DecideFromPayloadAsync);

    [Fact]
    public async Task A_validation_that_always_throws_ends_as_validator_error_and_its_deposit_is_cancelled_exactly_once()
    {
        await using var h = await BountyHarness.StartAsync(validators: false, configure: o =>
        {
            o.Jobs.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            o.Jobs.RetryMaxDelay = TimeSpan.FromMilliseconds(1);
        });
        var id = await h.PostAndFundAsync(h.Terms());
        var aliceBefore = await h.Alice.GetBalanceAsync(Ct);
        var sid = await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, h.BaselineConfig + "# a comment\n"), baseVersion: 0);
        // The fault: the diff's blob is gone, so every attempt of the validation throws.
        var blob = (await h.Submission(sid).GetAsync()).Received!.DiffBlob!;
        File.Delete(Path.Combine(h.BlobRoot, blob[..2], blob));

        h.Validators = true;
        await h.Cluster.StopSiloAsync(0);
        await h.Cluster.RestartSiloAsync(0);
        var state = await h.SettledAsync(sid);

        Assert.Equal(BountyVerdictReason.ValidatorError, state.Verdict!.Reason);
        Assert.Equal("validator_error", state.Verdict.Code);
        Assert.Equal(DepositStatus.Refunded, state.Deposit);
        var validation = await h.Cluster.Store.FindJobAsync(BountyJobTypes.Validate, sid, Ct);
        Assert.Equal((JobState.Dead, JobWorkerOptions.DefaultMaxAttempts), (validation!.State, validation.Attempt));
        var cancel = await h.Cluster.Store.FindJobAsync(PaymentJobTypes.CancelDeposit, sid, Ct);
        Assert.Equal((JobState.Completed, 1), (cancel!.State, cancel.Attempt));
        Assert.Null(await h.Cluster.Store.FindJobAsync(PaymentJobTypes.SettleDeposit, sid, Ct));
        Assert.Equal(InvoiceState.Canceled, (await h.Network.Coordinator.LookupInvoiceAsync(PaymentHash.FromHex(sid), Ct))!.State);
        Assert.Equal(aliceBefore.Local, (await h.Alice.GetBalanceAsync(Ct)).Local);

        // The periodic sweep finds the job dead but already settled: nothing more happens.
        Assert.Equal(0, await SweepDeadJobsHandler.SweepAsync(h.Cluster.Store, Owners, h.Grains, NullLogger.Instance, Ct));
        Assert.Equal((JobState.Completed, 1), ((await h.Cluster.Store.FindJobAsync(PaymentJobTypes.CancelDeposit, sid, Ct))!.State, cancel.Attempt));
        Assert.True((await h.ReconcileAsync()).Reconciled);
    }

    [Fact]
    public async Task A_validation_dead_lettered_without_its_hook_is_settled_by_the_sweep_once()
    {
        await using var h = await BountyHarness.StartAsync(validators: false);
        var id = await h.PostAndFundAsync(h.Terms());
        var sid = await h.SubmitAsync(id, Edits.Diff(h.BaselineConfig, h.BaselineConfig + "# a comment\n"), baseVersion: 0);
        // What the lease rescuer leaves when a validator dies on the last attempt: a dead job, no hook called.
        var now = h.Clock.GetUtcNow();
        var claimed = Assert.Single(await h.Cluster.Store.ClaimJobsAsync(new JobClaim("gone", [BountyJobTypes.Validate], 1, now, now.AddMinutes(1)), Ct));
        Assert.True(await h.Cluster.Store.FailJobAsync(claimed.Id, "gone", "lease of worker gone expired", retryAt: null, now, Ct));

        Assert.Equal(1, await SweepDeadJobsHandler.SweepAsync(h.Cluster.Store, Owners, h.Grains, NullLogger.Instance, Ct));
        Assert.Equal(0, await SweepDeadJobsHandler.SweepAsync(h.Cluster.Store, Owners, h.Grains, NullLogger.Instance, Ct));
        var state = await h.SettledAsync(sid);

        Assert.Equal(BountyVerdictReason.ValidatorError, state.Verdict!.Reason);
        Assert.Equal(DepositStatus.Refunded, state.Deposit);
        Assert.Equal(InvoiceState.Canceled, (await h.Network.Coordinator.LookupInvoiceAsync(PaymentHash.FromHex(sid), Ct))!.State);
        Assert.Equal(1, (await h.Cluster.Store.FindJobAsync(PaymentJobTypes.CancelDeposit, sid, Ct))!.Attempt);
    }
}
