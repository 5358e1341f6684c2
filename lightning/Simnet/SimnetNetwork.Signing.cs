using L402Train.Lightning.Signing;

namespace L402Train.Lightning.Simnet;

public sealed partial class SimnetNetwork
{
    /// <summary>Signs <paramref name="message"/> with node <paramref name="name"/>'s key, as LND's <c>signmessage</c>.</summary>
    internal string SignMessage(string name, ReadOnlySpan<byte> message)
    {
        NodeKey key;
        lock (gate) key = RequireNode(name).Key;
        return SignedMessage.Sign(key, message);
    }
}
