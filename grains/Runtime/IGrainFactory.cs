namespace L402Train.Grains.Runtime;

/// <summary>Hands out grain references. Getting a reference activates nothing; the first call does.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain with this key; every call runs as one turn in its activation's mailbox.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey;
}
