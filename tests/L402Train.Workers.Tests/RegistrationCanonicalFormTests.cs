using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Lightning;
using L402Train.Lightning.Signing;
using L402Train.Protocol;
using L402Train.Protocol.Research;
using Xunit;

namespace L402Train.Workers.Tests;

/// <summary>The bytes a registration's signature covers (docs/workers.md, "Signing").</summary>
public sealed class RegistrationCanonicalFormTests
{
    private static AgentRegistration Sample(string? value = null) => new()
    {
        Name = "w", Description = "d", PriceSats = 5,
        Services = [new AgentService { Name = ResearchNames.ExperimentService, Endpoint = "http://w.test/experiment", L402 = true }],
        Hardware = new AgentHardware { Accelerator = "cpu", CpuCores = 1, MemoryMib = 2, Platform = "linux-x64", Concurrency = 1 },
        Signature = new RegistrationSignature(ResearchNames.SignatureScheme, "02" + new string('a', 64), new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero), value),
    };

    [Fact]
    public void The_canonical_form_sorts_members_drops_only_the_signature_value_and_has_no_whitespace()
    {
        var text = Encoding.UTF8.GetString(RegistrationCanonicalForm.Bytes(Sample("zzz")));

        Assert.StartsWith("{\"active\":true,\"description\":\"d\",\"experiments_delivered\":0,\"hardware\":{\"accelerator\":\"cpu\"", text);
        Assert.Contains("\"signature\":{\"node_pubkey\":\"02aaaa", text);
        Assert.Contains("\"signed_at\":\"2026-12-05T00:00:00+00:00\"", text);
        Assert.DoesNotContain("zzz", text);
        Assert.DoesNotContain(" ", text.Replace("\"description\":\"d\"", "", StringComparison.Ordinal));
        Assert.Equal(RegistrationCanonicalForm.Bytes(Sample("zzz")), RegistrationCanonicalForm.Bytes(Sample("other")));
    }

    [Fact]
    public void A_member_an_older_reader_does_not_know_stays_signed_through_its_round_trip()
    {
        var key = NodeKey.Generate();
        var registration = Sample() with { Signature = Sample().Signature! with { NodePubkey = key.Id.ToHex() } };
        var node = JsonSerializer.SerializeToNode(registration, ProtocolJson.Options)!.AsObject();
        node["gpu_model"] = "none";
        var withExtra = node.Deserialize<AgentRegistration>(ProtocolJson.Options)!;
        var signed = withExtra with { Signature = withExtra.Signature! with { Value = SignedMessage.Sign(key, RegistrationCanonicalForm.Bytes(withExtra)) } };

        var relayed = JsonSerializer.Deserialize<AgentRegistration>(JsonSerializer.Serialize(signed, ProtocolJson.Options), ProtocolJson.Options)!;
        var changed = JsonNode.Parse(JsonSerializer.Serialize(signed, ProtocolJson.Options))!.AsObject();
        changed["gpu_model"] = "h100";

        Assert.Equal(key.Id, SignedMessage.Recover(RegistrationCanonicalForm.Bytes(relayed), relayed.Signature!.Value!));
        var tampered = changed.Deserialize<AgentRegistration>(ProtocolJson.Options)!;
        Assert.NotEqual(key.Id, SignedMessage.Recover(RegistrationCanonicalForm.Bytes(tampered), tampered.Signature!.Value!));
    }
}
