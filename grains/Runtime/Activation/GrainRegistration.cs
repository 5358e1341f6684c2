using System.Reflection;

namespace L402Train.Grains.Runtime;

/// <summary>How to build one grain class and dispatch its interface methods.</summary>
internal sealed class GrainRegistration
{
    private readonly ConstructorInfo constructor;

    public GrainRegistration(Type grainInterface, Type implementation)
    {
        Interface = grainInterface;
        Implementation = implementation;
        GrainType = implementation.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? implementation.Name;
        var constructors = implementation.GetConstructors();
        constructor = constructors.Length == 1
            ? constructors[0]
            : throw new ArgumentException($"Grain {implementation.Name} must have exactly one public constructor.");
        var methods = new[] { grainInterface }.Concat(grainInterface.GetInterfaces()).SelectMany(i => i.GetMethods());
        Methods = methods.ToDictionary(m => m, m => new GrainMethod(m));
    }

    public Type Interface { get; }

    public Type Implementation { get; }

    public string GrainType { get; }

    public IReadOnlyDictionary<MethodInfo, GrainMethod> Methods { get; }

    public Grain Create(GrainActivation activation)
    {
        var catalog = activation.Catalog;
        var arguments = constructor.GetParameters().Select(p => Resolve(p, activation, catalog)).ToArray();
        return (Grain)constructor.Invoke(BindingFlags.DoNotWrapExceptions, null, arguments, null);
    }

    private object Resolve(ParameterInfo parameter, GrainActivation activation, GrainCatalog catalog)
    {
        var type = parameter.ParameterType;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IPersistentState<>))
        {
            var name = parameter.GetCustomAttribute<PersistentStateAttribute>()?.StateName ?? parameter.Name ?? "state";
            var stateType = typeof(PersistentState<>).MakeGenericType(type.GetGenericArguments()[0]);
            var state = (IStateSlot)Activator.CreateInstance(stateType, activation, new GrainStateId(GrainType, activation.Key, name))!;
            activation.States.Add(state);
            return state;
        }
        if (type == typeof(IGrainFactory)) return catalog.Factory;
        if (type == typeof(TimeProvider)) return catalog.Time;
        if (type == typeof(IGrainStore)) return catalog.Store;
        return catalog.Services.GetService(type)
            ?? throw new InvalidOperationException($"Grain {Implementation.Name} needs a {type.Name} ({parameter.Name}): add it to the silo's services (SiloBuilder.UseServices).");
    }
}

/// <summary>One interface method: how to call it on a grain and how to hand the result back typed.</summary>
internal sealed class GrainMethod
{
    private static readonly MethodInfo AwaitTaskOf = typeof(GrainMethod).GetMethod(nameof(AwaitTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AwaitValueTaskOf = typeof(GrainMethod).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CastOf = typeof(GrainMethod).GetMethod(nameof(Cast), BindingFlags.NonPublic | BindingFlags.Static)!;
    private readonly Func<object, Task<object?>> awaitResult;
    private readonly Func<Task<object?>, object> wrapResult;

    public GrainMethod(MethodInfo method)
    {
        Method = method;
        var returns = method.ReturnType;
        if (returns == typeof(Task))
        {
            awaitResult = async t => { await (Task)t; return null; };
            wrapResult = t => t;
        }
        else if (returns == typeof(ValueTask))
        {
            awaitResult = async t => { await (ValueTask)t; return null; };
            wrapResult = t => new ValueTask(t);
        }
        else if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var arg = returns.GetGenericArguments()[0];
            awaitResult = AwaitTaskOf.MakeGenericMethod(arg).CreateDelegate<Func<object, Task<object?>>>();
            wrapResult = CastOf.MakeGenericMethod(arg).CreateDelegate<Func<Task<object?>, object>>();
        }
        else if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var arg = returns.GetGenericArguments()[0];
            awaitResult = AwaitValueTaskOf.MakeGenericMethod(arg).CreateDelegate<Func<object, Task<object?>>>();
            var cast = CastOf.MakeGenericMethod(arg).CreateDelegate<Func<Task<object?>, object>>();
            var valueTaskType = typeof(ValueTask<>).MakeGenericType(arg);
            wrapResult = t => Activator.CreateInstance(valueTaskType, cast(t))!;
        }
        else
        {
            throw new ArgumentException($"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }
    }

    public MethodInfo Method { get; }

    public Task<object?> InvokeAsync(object grain, object?[] arguments) =>
        awaitResult(Method.Invoke(grain, BindingFlags.DoNotWrapExceptions, null, arguments, null)!);

    public object Wrap(Task<object?> result) => wrapResult(result);

    private static async Task<object?> AwaitTask<T>(object task) => await (Task<T>)task;

    private static async Task<object?> AwaitValueTask<T>(object task) => await (ValueTask<T>)task;

    private static object Cast<T>(Task<object?> task) => CastAsync<T>(task);

    private static async Task<T> CastAsync<T>(Task<object?> task) => (T)(await task)!;
}
