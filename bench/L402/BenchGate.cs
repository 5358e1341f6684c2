using L402Train.L402.Caveats;
using L402Train.L402.Challenges;
using L402Train.L402.Gate;
using L402Train.L402.Tokens;
using L402Train.Lightning;
using L402Train.Lightning.Simnet;

namespace L402Train.Bench.L402;

/// <summary>A gate on a simnet coordinator with one paid standard token carrying 4 caveats.</summary>
internal sealed class BenchGate : IDisposable
{
    public BenchGate()
    {
        Network = new SimnetNetwork();
        Keys = RootKeyRing.CreateRandom();
        Gate = new L402Gate(Network.Coordinator, Keys, new L402GateOptions(), TimeProvider.System,
            new InMemoryTokenRevocationList(), new InMemoryHoldTokenRegistry());
        var preimage = Preimage.Random();
        // services, capabilities, valid_until, round: the 4 caveats of a checkpoint token.
        var macaroon = Gate.MintMacaroon(preimage.Hash, Keys.NewTokenId(), "checkpoint", L402Mode.Standard,
            [KeyValuePair.Create("round", "7")], TimeProvider.System.GetUtcNow().AddDays(1));
        Authorization = L402Credential.Format(macaroon, preimage);
        Request = new AccessRequest("l402train", "checkpoint", false, [KeyValuePair.Create("round", "7")], TimeProvider.System.GetUtcNow());
    }

    public SimnetNetwork Network { get; }
    public RootKeyRing Keys { get; }
    public L402Gate Gate { get; }
    public string Authorization { get; }
    public AccessRequest Request { get; }

    private readonly string?[] header = new string?[1];

    /// <summary>Every step, every time: parse the header, decode, preimage, root key, HMAC chain, caveats, revocation.</summary>
    public bool VerifyFull()
    {
        var parsed = L402Credential.Parse(Authorization);
        return Accepted(Gate.VerifyAsync(parsed.Credential!, Request));
    }

    /// <summary>What the gate does for a token it has seen: cache hit, then caveats and revocation again.</summary>
    public bool VerifyRepeated()
    {
        header[0] = Authorization;
        return Accepted(Gate.VerifyAuthorizationAsync(header, Request));
    }

    private static bool Accepted(ValueTask<L402Verification> verdict) =>
        (verdict.IsCompletedSuccessfully ? verdict.Result : verdict.AsTask().GetAwaiter().GetResult()).Outcome == L402Outcome.Accepted;

    public void Dispose() => Network.Dispose();
}
