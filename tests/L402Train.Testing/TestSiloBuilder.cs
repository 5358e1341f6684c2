using L402Train.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace L402Train.Testing;

/// <summary>
/// What a test adds to each silo of a <see cref="TestCluster"/>: services its grains and handlers
/// need, job handlers and worker settings, call filters, or any Orleans configuration. The
/// configure delegate runs for every silo started, also for silos restarted later.
/// </summary>
public sealed class TestSiloBuilder
{
    internal List<IServiceCollection> ServiceSets { get; } = [];

    internal List<JobsConfigurator> Jobs { get; } = [];

    internal List<Action<ISiloBuilder>> Orleans { get; } = [];

    /// <summary>Adds these registrations to the silo's services (instances are shared by every silo).</summary>
    public TestSiloBuilder UseServices(IServiceCollection services)
    {
        ServiceSets.Add(services);
        return this;
    }

    /// <summary>Registers the handler of one job type.</summary>
    public TestSiloBuilder AddJobHandler(string jobType, IJobHandler handler) => ConfigureJobs(j => j.AddJobHandler(jobType, handler));

    /// <summary>Registers a handler created from the silo's services.</summary>
    public TestSiloBuilder AddJobHandler(string jobType, Func<IServiceProvider, IJobHandler> create) => ConfigureJobs(j => j.AddJobHandler(jobType, create));

    /// <summary>Registers a handler given as a delegate.</summary>
    public TestSiloBuilder AddJobHandler(string jobType, Func<JobContext, CancellationToken, Task> handle) => ConfigureJobs(j => j.AddJobHandler(jobType, handle));

    /// <summary>Changes the job worker settings (<c>o =&gt; o.Jobs.PollInterval = ...</c>).</summary>
    public TestSiloBuilder Configure(Action<SiloJobs> change) => ConfigureJobs(change);

    /// <summary>Adds an incoming grain call filter (Orleans').</summary>
    public TestSiloBuilder AddIncomingGrainCallFilter(IIncomingGrainCallFilter filter) => ConfigureOrleans(s => s.AddIncomingGrainCallFilter(filter));

    /// <summary>Where the silo logs (Orleans and our runtime).</summary>
    public TestSiloBuilder UseLogging(Microsoft.Extensions.Logging.ILoggerFactory loggers) => ConfigureOrleans(s => s.Services.AddSingleton(loggers));

    /// <summary>Any other Orleans silo configuration.</summary>
    public TestSiloBuilder ConfigureOrleans(Action<ISiloBuilder> configure)
    {
        Orleans.Add(configure);
        return this;
    }

    private TestSiloBuilder ConfigureJobs(Action<SiloJobs> change)
    {
        Jobs.Add((jobs, _) => change(jobs));
        return this;
    }
}
