using OutboxGrain = L402Train.Runtime.OutboxGrain;

namespace L402Train.Grains.Tests.Runtime;

public interface IEffectGrain : IGrainWithStringKey
{
    /// <summary>Applies the effect named by <paramref name="effectKey"/> once; true if this call applied it.</summary>
    Task<bool> Apply(string effectKey);

    Task<int> Applied();
}

public sealed class EffectState
{
    public HashSet<string> Keys { get; init; } = [];
}

[GrainType("effect")]
public sealed class EffectGrain([PersistentState("effects")] IPersistentState<EffectState> effects) : OutboxGrain, IEffectGrain
{
    public async Task<bool> Apply(string effectKey)
    {
        if (!effects.State.Keys.Add(effectKey)) return false;
        await effects.WriteStateAsync();
        return true;
    }

    public Task<int> Applied() => Task.FromResult(effects.State.Keys.Count);
}
