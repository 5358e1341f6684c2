using System.Runtime.InteropServices;
using L402Train.Grains.Workers;
using L402Train.Lightning;
using L402Train.Lightning.Signing;
using L402Train.Protocol.Research;

namespace L402Train.Gateway.Workers;

/// <summary>
/// Writes and signs this worker's <c>/.well-known/agent-registration.json</c>: the experiment endpoint with its
/// price and L402 hold mode, the OASF skill the seed searches for, the hardware, the best <c>val_bpb</c> delivered,
/// and a signature by the worker's Lightning node key over <see cref="RegistrationCanonicalForm"/>.
/// </summary>
public sealed class WorkerRegistration(ILightningNode node, IMessageSigner signer, IGrainFactory grains, WorkerOptions options, TimeProvider time)
{
    /// <summary>The OASF schema version the capability entry names.</summary>
    public const string OasfVersion = "0.8.0";

    /// <summary>The registration for a worker reached at <paramref name="baseUrl"/>, signed now.</summary>
    public async Task<AgentRegistration> SignedAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var root = baseUrl;
        var info = await node.GetInfoAsync(cancellationToken);
        var stats = await grains.GetGrain<IWorkerStatsGrain>(IWorkerStatsGrain.Key).GetAsync();
        var pubkey = info.Id.ToHex();
        var unsigned = new AgentRegistration
        {
            Name = options.Name ?? $"l402train-worker-{pubkey[..8]}",
            Description = options.ArchivesOffered
                ? "Sells experiment runs over L402 (hold invoices: paid only when the result is delivered): the built-in byte-level GPT trainer, reporting val_bpb, or an archive and a command in a bubblewrap sandbox."
                : "Sells experiment runs over L402 (hold invoices: paid only when the result is delivered): the built-in byte-level GPT trainer, reporting val_bpb. Archive experiments are not offered.",
            Services =
            [
                new AgentService
                {
                    Name = ResearchNames.ExperimentService, Endpoint = new Uri(root, "experiment").ToString(), Version = "1",
                    L402 = true, L402Mode = "hold", PriceSats = options.PriceSat, ExperimentKinds = options.ExperimentKinds,
                },
                new AgentService
                {
                    Name = ResearchNames.OasfService, Endpoint = "https://github.com/agntcy/oasf/", Version = OasfVersion,
                    Skills = [ResearchNames.ModelVersioningSkill], Domains = ["technology/software_engineering"],
                },
            ],
            PriceSats = options.PriceSat,
            Hardware = new AgentHardware
            {
                Accelerator = "cpu", CpuCores = Environment.ProcessorCount,
                MemoryMib = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 20,
                Platform = RuntimeInformation.RuntimeIdentifier, Concurrency = options.Concurrency,
            },
            BestValBpb = stats.BestValBpb,
            ExperimentsDelivered = stats.Delivered,
            Signature = new RegistrationSignature(ResearchNames.SignatureScheme, pubkey, time.GetUtcNow(), null),
        };
        var value = await signer.SignMessageAsync(RegistrationCanonicalForm.Bytes(unsigned), cancellationToken);
        return unsigned with { Signature = unsigned.Signature with { Value = value } };
    }
}
