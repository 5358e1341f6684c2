using L402Train.Compression;
using L402Train.Model.Corpus;
using L402Train.Model.Gpt;

namespace L402Train.PeerAgent.Training;

/// <summary>
/// What a peer derives from the coordinator's training setup (<see cref="TrainingSetupView"/>, read from
/// <c>/status</c>): the same model, corpus and codec as the validators. The setup itself is the protocol's
/// record, so the peer-agent needs neither the grains nor Orleans; a test in L402Train.Training.Tests reads
/// the coordinator's JSON and compares what both sides derive.
/// </summary>
public static class RemoteTrainingSetup
{
    extension(TrainingSetupView setup)
    {
        /// <summary>The model architecture.</summary>
        public GptConfig Config => GptConfig.FromName(setup.Model);

        /// <summary>The tensors a gradient payload carries, in order.</summary>
        public TensorManifest Manifest => new(GptModel.LayoutOf(setup.Config).Select(t => new Compression.TensorSpec(t.Name, [.. t.Shape])));

        /// <summary>The compression settings peers and validators share.</summary>
        public CompressionSettings Compression =>
            CompressionSettings.Default with { TopK = setup.TopK, ErrorFeedbackDecay = setup.ErrorFeedbackDecay, MaxDegreeOfParallelism = 1 };

        /// <summary>The generated training corpus as token stream (every peer builds the same one).</summary>
        /// <exception cref="InvalidOperationException">The corpus is downloaded, not generated (see <see cref="CoordinatorClient.TrainingTextAsync"/>).</exception>
        public TokenStream TrainingTokens() => setup.Corpus == CorpusNames.Generated
            ? TokenStream.FromDocuments(new StoryGenerator(setup.CorpusSeed).Generate(setup.CorpusStories), L402Train.Model.Tokenizer.ByteTokenizer.Instance)
            : throw new InvalidOperationException($"The '{setup.Corpus}' corpus is downloaded from GET /corpus, not generated.");
    }
}
