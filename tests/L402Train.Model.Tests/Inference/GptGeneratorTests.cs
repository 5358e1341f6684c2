using L402Train.Model.Corpus;
using L402Train.Model.Gpt;
using L402Train.Model.Inference;
using L402Train.Model.Optim;
using L402Train.Model.Training;

namespace L402Train.Model.Tests.Inference;

public sealed class GptGeneratorTests
{
    // Small enough to train in a moment, with a 64-token context so generations cross a context shift.
    private static readonly GptConfig Config = new("test", 256, 64, 2, 64, 2);

    private static GptModel TrainedModel()
    {
        // A few steps, so the logits are peaked: on fresh weights near-ties would make greedy picks fragile.
        var model = GptModel.Create(Config, seed: 5, threads: 1);
        var trainer = new LocalTrainer(model, new AdamWOptions { LearningRate = 1e-2f, WarmupSteps = 2, TotalSteps = 40 });
        var sampler = new BatchSampler(TextCorpus.Generated(seed: 1, stories: 50).Train, 4, 32);
        for (var i = 0; i < 40; i++) trainer.Step(sampler.Sample(1, 0, i));
        return model;
    }

    private static readonly Lazy<GptModel> Model = new(TrainedModel);

    private static int[] Prompt(string text) => [.. System.Text.Encoding.ASCII.GetBytes(text).Select(b => (int)b)];

    [Fact]
    public void Cached_logits_equal_a_full_forward_pass_at_every_position()
    {
        var model = Model.Value;
        var tokens = Prompt("Once upon a time, there was a little girl named Lily. She loved");
        var sequence = model.StartSequence(threads: 1);
        for (var t = 0; t < tokens.Length; t++)
        {
            var cached = sequence.Append(tokens[t]).ToArray();
            var full = model.NextTokenLogits(tokens.AsSpan(0, t + 1));
            for (var v = 0; v < full.Length; v++)
            {
                Assert.True(Math.Abs(cached[v] - full[v]) <= 1e-4f * Math.Max(1f, Math.Abs(full[v])), $"position {t}, token {v}: {cached[v]} vs {full[v]}");
            }
        }

        Assert.Equal(tokens.Length, sequence.Length);
    }

    [Theory]
    [InlineData(0f, 1f, 0UL)]
    [InlineData(0.9f, 0.95f, 7UL)]
    [InlineData(1.2f, 1f, 8UL)]
    public void Tokens_are_the_same_with_and_without_the_cache_across_a_context_shift(float temperature, float topP, ulong seed)
    {
        var generator = new GptGenerator(Model.Value, threads: 1);
        var options = new GenerationOptions { MaxNewTokens = 90, Temperature = temperature, TopP = topP, Seed = seed, StopTokens = [] };
        var prompt = Prompt("One day, Tom went to the park.");
        var cached = generator.Generate(prompt, options).ToArray();
        var uncached = generator.Generate(prompt, options with { UseKvCache = false }).ToArray();
        Assert.Equal(90, cached.Length); // prompt 30 + 90 > 64: the context shifted
        Assert.Equal(uncached, cached);
    }

    [Fact]
    public void Sampling_is_reproducible_per_seed_and_differs_between_seeds()
    {
        var generator = new GptGenerator(Model.Value, threads: 1);
        var options = new GenerationOptions { MaxNewTokens = 40, Temperature = 1f, Seed = 3, StopTokens = [] };
        var prompt = Prompt("Lily");
        Assert.Equal(generator.Generate(prompt, options), generator.Generate(prompt, options));
        Assert.NotEqual(generator.Generate(prompt, options), generator.Generate(prompt, options with { Seed = 4 }));
    }

    [Fact]
    public void A_tiny_nucleus_is_greedy()
    {
        var generator = new GptGenerator(Model.Value, threads: 1);
        var prompt = Prompt("The sky was");
        var greedy = generator.Generate(prompt, new GenerationOptions { MaxNewTokens = 30, StopTokens = [] });
        var nucleus = generator.Generate(prompt, new GenerationOptions { MaxNewTokens = 30, Temperature = 1f, TopP = 1e-6f, Seed = 9, StopTokens = [] });
        Assert.Equal(greedy, nucleus);
    }

    [Fact]
    public async Task Generation_stops_at_a_stop_token_without_emitting_it_and_streams_the_same_tokens()
    {
        var generator = new GptGenerator(Model.Value, threads: 1);
        var prompt = Prompt("Once upon a time");
        var free = generator.Generate(prompt, new GenerationOptions { MaxNewTokens = 20, StopTokens = [] }).ToArray();
        var stop = free[5];
        var completion = generator.Complete(prompt, new GenerationOptions { MaxNewTokens = 20, StopTokens = [stop] });
        Assert.Equal(GenerationFinish.Stop, completion.Finish);
        Assert.Equal(free.TakeWhile(t => t != stop), completion.Tokens);
        Assert.Equal(prompt.Length, completion.PromptTokens);

        var limited = generator.Complete(prompt, new GenerationOptions { MaxNewTokens = 7, StopTokens = [] });
        Assert.Equal(GenerationFinish.Length, limited.Finish);
        Assert.Equal(free.Take(7), limited.Tokens);

        var streamed = new List<int>();
        await foreach (var token in generator.GenerateAsync(prompt, new GenerationOptions { MaxNewTokens = 20, StopTokens = [] }, TestContext.Current.CancellationToken))
        {
            streamed.Add(token);
        }

        Assert.Equal(free, streamed);
    }

    [Theory]
    [InlineData(0, 0f, 1f)]
    [InlineData(5, -1f, 1f)]
    [InlineData(5, float.NaN, 1f)]
    [InlineData(5, 1f, 0f)]
    [InlineData(5, 1f, 1.5f)]
    public void Out_of_range_options_are_refused(int maxNewTokens, float temperature, float topP)
    {
        var generator = new GptGenerator(Model.Value, threads: 1);
        var options = new GenerationOptions { MaxNewTokens = maxNewTokens, Temperature = temperature, TopP = topP };
        Assert.Throws<ArgumentException>(() => generator.Generate(Prompt("a"), options));
    }

    [Fact]
    public void An_empty_prompt_or_a_token_outside_the_vocabulary_is_refused()
    {
        var generator = new GptGenerator(Model.Value, threads: 1);
        Assert.Throws<ArgumentException>(() => generator.Generate([], new GenerationOptions()));
        Assert.Throws<ArgumentException>(() => generator.Generate([1, 256], new GenerationOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Model.Value.StartSequence().Append(-1));
    }
}
