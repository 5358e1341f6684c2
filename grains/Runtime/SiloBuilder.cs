using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace L402Train.Grains.Runtime;

/// <summary>
/// Composes a <see cref="Silo"/>: store, clock, grains, job handlers, filters. One builder can
/// build several silos (TestCluster does) that share the store but nothing else.
/// </summary>
public sealed class SiloBuilder
{
    private readonly Dictionary<Type, Type> grains = [];
    private readonly Dictionary<string, Func<IServiceProvider, IJobHandler>> jobHandlers = [];
    private readonly List<IIncomingGrainCallFilter> filters = [];
    private readonly List<Action<SiloOptions>> configure = [];
    private IGrainStore? store;
    private TimeProvider time = TimeProvider.System;
    private IServiceProvider services = EmptyServices.Instance;
    private ILoggerFactory loggers = NullLoggerFactory.Instance;

    /// <summary>The store every silo built here uses (required).</summary>
    public SiloBuilder UseStore(IGrainStore grainStore)
    {
        store = grainStore;
        return this;
    }

    /// <summary>The clock (default: system). Tests pass a fake one.</summary>
    public SiloBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        time = timeProvider;
        return this;
    }

    /// <summary>Where grain constructors and job handler factories find other services.</summary>
    public SiloBuilder UseServices(IServiceProvider serviceProvider)
    {
        services = serviceProvider;
        return this;
    }

    /// <summary>Where the runtime logs.</summary>
    public SiloBuilder UseLogging(ILoggerFactory loggerFactory)
    {
        loggers = loggerFactory;
        return this;
    }

    /// <summary>Registers a grain class for its interface.</summary>
    public SiloBuilder AddGrain<TGrainInterface, TGrain>()
        where TGrainInterface : IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        grains[typeof(TGrainInterface)] = typeof(TGrain);
        return this;
    }

    /// <summary>Registers the handler of one job type.</summary>
    public SiloBuilder AddJobHandler(string jobType, IJobHandler handler) => AddJobHandler(jobType, _ => handler);

    /// <summary>Registers a handler created from the silo's services when the silo is built.</summary>
    public SiloBuilder AddJobHandler(string jobType, Func<IServiceProvider, IJobHandler> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobType);
        jobHandlers[jobType] = create;
        return this;
    }

    /// <summary>Registers a handler given as a delegate.</summary>
    public SiloBuilder AddJobHandler(string jobType, Func<JobContext, CancellationToken, Task> handle) =>
        AddJobHandler(jobType, new DelegateJobHandler(handle));

    /// <summary>Adds a filter around every grain call.</summary>
    public SiloBuilder AddIncomingGrainCallFilter(IIncomingGrainCallFilter filter)
    {
        filters.Add(filter);
        return this;
    }

    /// <summary>Changes options (applied in order, to every silo built).</summary>
    public SiloBuilder Configure(Action<SiloOptions> change)
    {
        configure.Add(change);
        return this;
    }

    /// <summary>Builds a silo (not started).</summary>
    public Silo Build()
    {
        var options = new SiloOptions();
        foreach (var change in configure) change(options);
        var registrations = grains.ToDictionary(g => g.Key, g => new GrainRegistration(g.Key, g.Value));
        var handlers = jobHandlers.ToDictionary(h => h.Key, h => h.Value(services));
        return new Silo(store ?? throw new InvalidOperationException("No store: call SiloBuilder.UseStore(...)."),
            time, options, registrations, handlers, [.. filters], services, loggers);
    }

    private sealed class DelegateJobHandler(Func<JobContext, CancellationToken, Task> handle) : IJobHandler
    {
        public Task HandleAsync(JobContext job, CancellationToken cancellationToken) => handle(job, cancellationToken);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
