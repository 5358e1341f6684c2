using System.Reflection;

namespace L402Train.Grains.Runtime;

/// <summary>The object behind a grain reference: each interface call becomes one turn in the activation's mailbox.</summary>
public class GrainProxy : DispatchProxy
{
    private GrainCatalog? catalog;
    private GrainRegistration? registration;
    private string key = "";

    internal void Bind(GrainCatalog owner, GrainRegistration grain, string primaryKey)
    {
        catalog = owner;
        registration = grain;
        key = primaryKey;
    }

    /// <inheritdoc/>
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var method = registration!.Methods[targetMethod];
        return method.Wrap(catalog!.InvokeAsync(registration, key, method, args ?? []));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{registration?.GrainType}/{key}";
}
