namespace L402Train.Runtime;

/// <summary>Adds job handlers and changes job worker settings when a silo's jobs are set up (register with <c>AddJobs</c>).</summary>
public delegate void JobsConfigurator(SiloJobs jobs, IServiceProvider services);

/// <summary>
/// The job handlers a silo runs and its worker settings, built once per silo from every registered
/// <see cref="JobsConfigurator"/> (roles decide which handlers a silo registers).
/// </summary>
public sealed class SiloJobs
{
    private readonly Dictionary<string, Func<IServiceProvider, IJobHandler>> handlers = new(StringComparer.Ordinal);

    /// <summary>Job worker settings (lanes, concurrency, leases...).</summary>
    public JobWorkerOptions Jobs { get; } = new();

    /// <summary>The registered job types.</summary>
    public IReadOnlyCollection<string> Types => handlers.Keys;

    /// <summary>Registers the handler of one job type.</summary>
    public SiloJobs AddJobHandler(string jobType, IJobHandler handler) => AddJobHandler(jobType, _ => handler);

    /// <summary>Registers a handler created from the silo's services when the silo's workers start.</summary>
    public SiloJobs AddJobHandler(string jobType, Func<IServiceProvider, IJobHandler> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobType);
        handlers[jobType] = create;
        return this;
    }

    /// <summary>Registers a handler given as a delegate.</summary>
    public SiloJobs AddJobHandler(string jobType, Func<JobContext, CancellationToken, Task> handle) =>
        AddJobHandler(jobType, new DelegateJobHandler(handle));

    /// <summary>Changes the settings (the old silo builder's <c>Configure(o => o.Jobs...)</c>).</summary>
    public SiloJobs Configure(Action<SiloJobs> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        change(this);
        return this;
    }

    /// <summary>Runs every configurator against a fresh set.</summary>
    public static SiloJobs Build(IEnumerable<JobsConfigurator> configurators, IServiceProvider services)
    {
        var jobs = new SiloJobs();
        foreach (var configure in configurators) configure(jobs, services);
        return jobs;
    }

    /// <summary>Creates the handlers from <paramref name="services"/>.</summary>
    internal Dictionary<string, IJobHandler> CreateHandlers(IServiceProvider services) =>
        handlers.ToDictionary(h => h.Key, h => h.Value(services), StringComparer.Ordinal);

    private sealed class DelegateJobHandler(Func<JobContext, CancellationToken, Task> handle) : IJobHandler
    {
        public Task HandleAsync(JobContext job, CancellationToken cancellationToken) => handle(job, cancellationToken);
    }
}
