using System.Text.Json;
using L402Train.Gateway.Apis;
using L402Train.Grains.Training;
using L402Train.PeerAgent.Training;
using L402Train.Protocol.Training;
using Xunit;

namespace L402Train.Training.Tests.Layering;

/// <summary>The peer's copy of the training setup reads exactly what the coordinator's <c>/status</c> writes.</summary>
public sealed class RemoteTrainingSetupTests
{
    [Fact]
    public void The_peer_reads_every_field_of_the_coordinators_setup_and_derives_the_same_model_and_codec()
    {
        var coordinator = new TrainingSetup
        {
            Model = "tiny", InitSeed = 7, CorpusSeed = 99, CorpusStories = 123, SequenceLength = 32, TopK = 16, ErrorFeedbackDecay = 0.5f,
            Corpus = "kjv", CorpusSha256 = new string('a', 64),
        };

        var json = JsonSerializer.Serialize(coordinator, HttpJson.Options);
        var peer = JsonSerializer.Deserialize<TrainingSetupView>(json, CoordinatorClient.Json)!;

        Assert.Equal(
            (coordinator.Model, coordinator.InitSeed, coordinator.CorpusSeed, coordinator.CorpusStories, coordinator.SequenceLength, coordinator.TopK, coordinator.ErrorFeedbackDecay),
            (peer.Model, peer.InitSeed, peer.CorpusSeed, peer.CorpusStories, peer.SequenceLength, peer.TopK, peer.ErrorFeedbackDecay));
        Assert.Equal((coordinator.Corpus, coordinator.CorpusSha256), (peer.Corpus, peer.CorpusSha256));
        Assert.Equal(coordinator.Config, peer.Config);
        Assert.Equal(coordinator.Compression, peer.Compression);
        Assert.Equal(coordinator.Manifest.Tensors, peer.Manifest.Tensors);
        Assert.Equal(coordinator.Manifest.Fingerprint(), peer.Manifest.Fingerprint());
    }

    [Fact]
    public void A_corpus_the_coordinator_does_not_know_is_refused_naming_the_field()
    {
        Assert.Null(new TrainingSetup { Corpus = "kjv" }.Validate());
        Assert.Equal("corpus must be one of generated, kjv", new TrainingSetup { Corpus = "KJV " }.Validate());
        Assert.Throws<InvalidOperationException>(() => new TrainingSetup { Corpus = "kjv" }.TrainingTokens());
    }

    [Fact]
    public void A_setup_missing_a_field_is_refused_rather_than_defaulted()
    {
        var json = JsonSerializer.Serialize(new TrainingSetup(), HttpJson.Options).Replace("\"top_k\"", "\"top_k_renamed\"", StringComparison.Ordinal);

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TrainingSetupView>(json, CoordinatorClient.Json));
    }
}
