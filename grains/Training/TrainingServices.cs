using L402Train.Grains.Payments;
using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Grains.Training;

/// <summary>
/// Wires the training track: its settings, the submission validator, its grains as payment and
/// dead-job owners, and its job handlers by role. The silo, the test harnesses and the benches call
/// it, so a training handler is registered in one place.
/// </summary>
public static class TrainingServices
{
    /// <summary>
    /// Registers <paramref name="setup"/>, <paramref name="schedule"/>, the <see cref="SubmissionValidator"/>,
    /// the money wiring (<see cref="PaymentServices.AddPayments"/>) with the training submissions as owners, and the
    /// handlers of <see cref="TrainingJobTypes"/>: validation and aggregation on a validator (in the
    /// <see cref="JobLanes.Compute"/> lane), closing rounds on a settler. The handlers need the host's
    /// <see cref="HeldOutSet"/>, <see cref="ICheckpointStore"/>, <see cref="IGradientStore"/> and <c>ILightningNode</c>.
    /// </summary>
    public static IServiceCollection AddTraining(this IServiceCollection services, TrainingSetup setup, RewardSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(schedule);
        services.PaymentOwners().Add<ISubmissionGrain>(SubmissionGrain.OwnerKind);
        services.DeadJobOwners().Add(TrainingJobTypes.ValidateSubmission, TrainingValidatorError.DecideFromPayloadAsync);
        services.AddSingleton(setup);
        services.AddSingleton(schedule);
        services.AddSingleton(new SubmissionValidator(setup, schedule));
        services.AddJobs((jobs, sp) =>
        {
            if (sp.Plays(SiloRoles.Validator))
            {
                // CPU-bound jobs get their own lane, so settles and refunds never wait for a runner behind them.
                jobs.Jobs.Lanes[TrainingJobTypes.ValidateSubmission] = JobLanes.Compute;
                jobs.Jobs.Lanes[TrainingJobTypes.AggregateRound] = JobLanes.Compute;
                jobs.AddJobHandler(TrainingJobTypes.ValidateSubmission, s => ActivatorUtilities.CreateInstance<ValidateSubmissionHandler>(s))
                    .AddJobHandler(TrainingJobTypes.AggregateRound, s => ActivatorUtilities.CreateInstance<AggregateRoundHandler>(s));
            }
            if (sp.Plays(SiloRoles.Settler))
            {
                jobs.AddJobHandler(TrainingJobTypes.CloseRound, new CloseRoundHandler())
                    // Rows of the retired per-challenge fee check an older version left: completed, nothing else.
                    .AddJobHandler(TrainingJobTypes.CheckCheckpointFee, new RetiredFeeCheckHandler());
            }
        });
        return services;
    }
}
