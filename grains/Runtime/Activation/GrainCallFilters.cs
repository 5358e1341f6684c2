using System.Reflection;

namespace L402Train.Grains.Runtime;

/// <summary>Middleware around every grain call on a silo (logging, metrics, authorization), like Orleans' incoming call filters.</summary>
public interface IIncomingGrainCallFilter
{
    /// <summary>Runs around the call; call <see cref="IIncomingGrainCallContext.Invoke"/> to continue.</summary>
    Task Invoke(IIncomingGrainCallContext context);
}

/// <summary>One grain call as seen by filters.</summary>
public interface IIncomingGrainCallContext
{
    /// <summary>The grain instance.</summary>
    object Grain { get; }

    /// <summary>The stored grain type name.</summary>
    string GrainType { get; }

    /// <summary>The grain key.</summary>
    string Key { get; }

    /// <summary>The interface method called.</summary>
    MethodInfo InterfaceMethod { get; }

    /// <summary>The call's arguments.</summary>
    object?[] Arguments { get; }

    /// <summary>The result once <see cref="Invoke"/> returned (filters may replace it).</summary>
    object? Result { get; set; }

    /// <summary>Runs the next filter, or the grain method.</summary>
    Task Invoke();
}

internal sealed class GrainCallContext(Grain grain, GrainRegistration registration, string key, GrainMethod method, object?[] arguments, IReadOnlyList<IIncomingGrainCallFilter> filters)
    : IIncomingGrainCallContext
{
    private int next;

    public object Grain => grain;

    public string GrainType => registration.GrainType;

    public string Key => key;

    public MethodInfo InterfaceMethod => method.Method;

    public object?[] Arguments => arguments;

    public object? Result { get; set; }

    public async Task Invoke()
    {
        if (next < filters.Count)
        {
            await filters[next++].Invoke(this);
            return;
        }
        if (next == filters.Count && grain is IIncomingGrainCallFilter own)
        {
            next++;
            await own.Invoke(this);
            return;
        }
        Result = await method.InvokeAsync(grain, arguments);
    }
}
