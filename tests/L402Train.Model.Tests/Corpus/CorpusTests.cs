using L402Train.Model.Corpus;
using L402Train.Model.Tokenizer;

namespace L402Train.Model.Tests.Corpus;

public sealed class CorpusTests
{
    [Fact]
    public void Story_generator_is_deterministic_per_seed()
    {
        var a = new StoryGenerator(7).Generate(20);
        var b = new StoryGenerator(7).Generate(20);
        var c = new StoryGenerator(8).Generate(20);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, story => Assert.InRange(story.Length, 300, 1500));
        Assert.True(a.Distinct().Count() > 15, "stories should vary");
    }

    [Fact]
    public void Plain_text_is_split_at_end_of_text_markers()
    {
        const string text = "One day, Tom ran.\nHe was happy.\n<|endoftext|>\nLily sang.<|endoftext|>\n\n<|endoftext|>\nThe end.\n";
        var documents = CorpusLoader.ReadPlainText(new StringReader(text));
        Assert.Equal(["One day, Tom ran.\nHe was happy.", "Lily sang.", "The end."], documents);
    }

    [Fact]
    public void Json_lines_are_read_by_their_text_field()
    {
        const string jsonl = "{\"text\": \"Once upon a time.\", \"id\": 1}\n\n{\"text\": \"A cat \\u00e9 sat.\"}\n";
        Assert.Equal(["Once upon a time.", "A cat é sat."], CorpusLoader.ReadJsonLines(new StringReader(jsonl)));
    }

    [Theory]
    [InlineData("{\"text\": \"ok\"}\n{\"story\": \"no text\"}", 2)]
    [InlineData("{\"text\": 5}", 1)]
    [InlineData("{\"text\": \"ok\"}\n{\"text\": \"ok\"}\n{not json", 3)]
    [InlineData("[\"text\"]", 1)]
    public void Malformed_json_lines_are_refused_naming_the_line(string jsonl, int line)
    {
        var error = Assert.Throws<FormatException>(() => CorpusLoader.ReadJsonLines(new StringReader(jsonl)));
        Assert.Contains($"line {line}", error.Message);
    }

    [Fact]
    public void Files_load_by_extension()
    {
        var dir = Directory.CreateTempSubdirectory("l402train-corpus-");
        try
        {
            var txt = Path.Combine(dir.FullName, "stories.txt");
            var jsonl = Path.Combine(dir.FullName, "stories.jsonl");
            File.WriteAllText(txt, "A.\n<|endoftext|>\nB.\n");
            File.WriteAllText(jsonl, "{\"text\":\"C.\"}\n");
            Assert.Equal(["A.", "B."], CorpusLoader.Load(txt));
            Assert.Equal(["C."], CorpusLoader.Load(jsonl));
            Assert.Equal(2, TextCorpus.FromFile(txt, heldOutFraction: 0).Train.DocumentCount);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Split_by_document_hash_ignores_order_and_company()
    {
        var documents = new StoryGenerator(3).Generate(400);
        var (train, heldOut) = CorpusSplit.Split(documents, 0.1);
        Assert.InRange(heldOut.Count, 20, 65);
        Assert.Equal(documents.Count, train.Count + heldOut.Count);
        Assert.Empty(train.Intersect(heldOut));
        var (_, heldOutReversed) = CorpusSplit.Split(documents.Reverse(), 0.1);
        Assert.Equal(heldOut.Order(StringComparer.Ordinal), heldOutReversed.Order(StringComparer.Ordinal));
        // A document's side depends only on its own text.
        Assert.All(heldOut, d => Assert.True(CorpusSplit.IsHeldOut(d, 0.1)));
        Assert.Empty(CorpusSplit.Split(documents, 0).HeldOut);
        Assert.Empty(CorpusSplit.Split(documents, 1).Train);
    }

    [Fact]
    public void Batches_are_a_pure_function_of_seed_round_and_index()
    {
        var corpus = TextCorpus.Generated(seed: 4, stories: 50);
        var sampler = new BatchSampler(corpus.HeldOut, 4, 32);
        var a = sampler.Sample(seed: 9, round: 3, index: 1);
        var b = new BatchSampler(corpus.HeldOut, 4, 32).Sample(9, 3, 1);
        Assert.Equal(a.Inputs, b.Inputs);
        Assert.Equal(a.Targets, b.Targets);
        Assert.NotEqual(a.Inputs, sampler.Sample(9, 4, 1).Inputs);
        Assert.NotEqual(a.Inputs, sampler.Sample(9, 3, 2).Inputs);
        Assert.NotEqual(a.Inputs, sampler.Sample(10, 3, 1).Inputs);
        // Targets are the inputs shifted by one within each row.
        for (var row = 0; row < 4; row++)
        {
            Assert.Equal(a.Inputs.AsSpan((row * 32) + 1, 31).ToArray(), a.Targets.AsSpan(row * 32, 31).ToArray());
        }
    }

    [Fact]
    public void Byte_tokenizer_round_trips_utf8_and_separates_documents_with_byte_zero()
    {
        var tokenizer = ByteTokenizer.Instance;
        var tokens = tokenizer.Encode("Zoé ran.");
        Assert.Equal(9, tokens.Length);
        Assert.Equal("Zoé ran.", tokenizer.Decode(tokens));
        var stream = TokenStream.FromDocuments(["ab", "c"], tokenizer);
        Assert.Equal([97, 98, 0, 99, 0], stream.Tokens);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([300]));
    }
}
