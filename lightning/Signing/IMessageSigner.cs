namespace L402Train.Lightning.Signing;

/// <summary>A Lightning node that signs messages with its node key (LND's <c>signmessage</c>; the simnet node's own key).</summary>
public interface IMessageSigner
{
    /// <summary>Signs <paramref name="message"/>; the answer is the z-base-32 signature <see cref="SignedMessage.Recover"/> checks.</summary>
    Task<string> SignMessageAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);
}
