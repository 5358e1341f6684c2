using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Bounties.Validation;
using L402Train.Grains.Payments;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.Grains.Bounties;

/// <summary>
/// Wires the bounty track: its rules, the evaluation services, its grains as payment and dead-job
/// owners, and its job handlers by role. The silo, the test harnesses and the benches call it, so a
/// bounty handler is registered in one place.
/// </summary>
public static class BountyServices
{
    /// <summary>
    /// Registers <paramref name="rules"/>, the money wiring (<see cref="PaymentServices.AddPayments"/>) with the
    /// bounty submissions and bounties as owners, the evaluation services (unless the host registered its own),
    /// and the handlers of <see cref="BountyJobTypes"/>: sandboxed evaluations on a validator (in the
    /// <see cref="JobLanes.Compute"/> lane) when <paramref name="evaluatesHere"/> allows it, funding and closing
    /// on a settler. The host provides the <c>BubblewrapSandbox</c> and <see cref="BountyWorkspace"/> (or a
    /// <see cref="BountyEvaluation"/>), the <c>IBlobStore</c> and the <c>ILightningNode</c>.
    /// </summary>
    /// <param name="services">The silo's services.</param>
    /// <param name="rules">The bounty track's settings.</param>
    /// <param name="evaluatesHere">
    /// Asked once when a validator's jobs are set up: whether it evaluates bounty submissions (the silo
    /// checks its sandbox here, and may throw to stop start-up); null evaluates on every validator.
    /// </param>
    public static IServiceCollection AddBounties(this IServiceCollection services, BountyRules rules, Func<IServiceProvider, bool>? evaluatesHere = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(rules);
        services.PaymentOwners().Add<IBountySubmissionGrain>(BountySubmissionGrain.OwnerKind).Add<IBountyGrain>(BountyGrain.OwnerKind);
        services.DeadJobOwners().Add(BountyJobTypes.Validate, BountyValidatorError.DecideFromPayloadAsync);
        services.AddSingleton(rules);
        services.TryAddSingleton<BountyEvaluation>();
        services.TryAddSingleton<BountyBaselineCheck>();
        services.TryAddSingleton<BountyPublisher>();
        services.AddJobs((jobs, sp) =>
        {
            if (sp.Plays(SiloRoles.Validator) && (evaluatesHere?.Invoke(sp) ?? true))
            {
                // Sandboxed evaluations share the compute lane with training validation: deposits and payouts never queue behind them.
                jobs.Jobs.Lanes[BountyJobTypes.Validate] = JobLanes.Compute;
                jobs.Jobs.Lanes[BountyJobTypes.ScoreBaseline] = JobLanes.Compute;
                jobs.Jobs.Lanes[BountyJobTypes.Holdback] = JobLanes.Compute;
                jobs.AddJobHandler(BountyJobTypes.Validate, s => ActivatorUtilities.CreateInstance<ValidateBountySubmissionHandler>(s))
                    .AddJobHandler(BountyJobTypes.ScoreBaseline, s => ActivatorUtilities.CreateInstance<ScoreBaselineHandler>(s))
                    .AddJobHandler(BountyJobTypes.Holdback, s => ActivatorUtilities.CreateInstance<HoldbackReevaluationHandler>(s));
            }
            if (sp.Plays(SiloRoles.Settler))
            {
                jobs.AddJobHandler(BountyJobTypes.WatchFunding, s => ActivatorUtilities.CreateInstance<WatchFundingHandler>(s))
                    .AddJobHandler(BountyJobTypes.Close, new CloseBountyHandler());
            }
        });
        return services;
    }
}
