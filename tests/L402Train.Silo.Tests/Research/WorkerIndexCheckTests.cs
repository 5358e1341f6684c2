using L402Train.Lightning;
using L402Train.Lightning.Signing;
using L402Train.PeerAgent.Research;
using L402Train.Protocol.Research;

namespace L402Train.Silo.Tests.Research;

/// <summary>The client's check of a registration: only a document signed by the node key it names, and listed under that key, is a worker to pay.</summary>
public sealed class WorkerIndexCheckTests
{
    private static readonly NodeKey Key = NodeKey.Generate();

    private static AgentRegistration Signed(NodeKey key, long price = 50, bool active = true)
    {
        var unsigned = new AgentRegistration
        {
            Name = "w", Description = "d", PriceSats = price, Active = active,
            Services =
            [
                new AgentService { Name = ResearchNames.ExperimentService, Endpoint = "http://127.0.0.1:9/experiment", L402 = true, L402Mode = "hold", PriceSats = price },
                new AgentService { Name = ResearchNames.OasfService, Endpoint = "https://github.com/agntcy/oasf/", Skills = [ResearchNames.ModelVersioningSkill] },
            ],
            Hardware = new AgentHardware { Accelerator = "cpu", CpuCores = 2, MemoryMib = 1024, Platform = "linux-x64", Concurrency = 1 },
            Signature = new RegistrationSignature(ResearchNames.SignatureScheme, key.Id.ToHex(), DateTimeOffset.UnixEpoch, null),
        };
        return unsigned with { Signature = unsigned.Signature with { Value = SignedMessage.Sign(key, RegistrationCanonicalForm.Bytes(unsigned)) } };
    }

    [Fact]
    public void A_registration_signed_by_the_listed_node_is_a_worker_at_its_endpoint_and_price()
    {
        var (worker, reason) = WorkerIndex.Check(Key.Id.ToHex(), Signed(Key));
        Assert.Null(reason);
        Assert.Equal((Key.Id.ToHex(), "http://127.0.0.1:9/experiment", 50L), (worker!.AgentId, worker.Endpoint.AbsoluteUri, worker.PriceSats));
    }

    [Fact]
    public void A_tampered_price_a_forged_key_another_listed_node_or_no_signature_is_refused()
    {
        var tampered = Signed(Key) with { PriceSats = 1 };
        Assert.Equal("the signature does not verify against the node key it names", WorkerIndex.Check(Key.Id.ToHex(), tampered).Reason);

        var other = NodeKey.Generate();
        var forged = Signed(other) with { Signature = Signed(other).Signature! with { NodePubkey = Key.Id.ToHex() } };
        Assert.Equal("the signature does not verify against the node key it names", WorkerIndex.Check(Key.Id.ToHex(), forged).Reason);

        Assert.StartsWith("signed by ", WorkerIndex.Check(Key.Id.ToHex(), Signed(other)).Reason, StringComparison.Ordinal);
        Assert.Equal("the registration is not signed", WorkerIndex.Check(Key.Id.ToHex(), Signed(Key) with { Signature = null }).Reason);
        Assert.Equal("inactive", WorkerIndex.Check(Key.Id.ToHex(), Signed(Key, active: false)).Reason);
    }
}
