using L402Train.Grains.Training;
using L402Train.Model.Gpt;
using L402Train.Model.Tensors;
using Xunit;

namespace L402Train.Training.Tests.Policy;

/// <summary>The coordinator's outer step: plain SGD by default, Nesterov momentum carried between rounds when asked for.</summary>
public class OuterStepTests
{
    private static readonly TrainingSetup Setup = new();

    [Fact]
    public void Plain_sgd_moves_the_weights_against_the_update_and_keeps_no_momentum()
    {
        var (weights, update) = Inputs();
        var step = new OuterStep(Setup, new RewardSchedule { OuterLearningRate = 0.5 });

        var result = step.Apply(weights, null, update);

        Assert.False(step.UsesMomentum);
        Assert.Null(result.Momentum);
        for (var i = 0; i < weights.Count; i += 997) Assert.Equal(weights.Buffer[i] - (0.5f * Flat(update, weights, i)), result.Weights.Buffer[i]);
    }

    [Fact]
    public void Nesterov_momentum_builds_up_across_rounds_through_the_carried_buffer()
    {
        var (weights, update) = Inputs();
        var step = new OuterStep(Setup, new RewardSchedule { OuterLearningRate = 1.0, OuterMomentum = 0.5, OuterNesterov = true });
        var before = weights.Clone();

        var first = step.Apply(weights, null, update);
        var second = step.Apply(first.Weights, first.Momentum, update);

        Assert.Equal(before.Buffer, weights.Buffer); // inputs untouched
        for (var i = 0; i < weights.Count; i += 997)
        {
            var u = Flat(update, weights, i);
            Assert.Equal(u, first.Momentum!.Buffer[i]);                                   // buf = u
            Assert.Equal(weights.Buffer[i] - (u + (0.5f * u)), first.Weights.Buffer[i]);    // step = u + μ·buf
            Assert.Equal((0.5f * u) + u, second.Momentum!.Buffer[i]);                      // buf = μ·buf + u
            Assert.Equal(first.Weights.Buffer[i] - (u + (0.5f * ((0.5f * u) + u))), second.Weights.Buffer[i]);
        }
    }

    private static (ParameterSet Weights, float[][] Update) Inputs()
    {
        var weights = GptModel.Create(Setup.Config, 3, threads: 1).Parameters;
        var random = new Random(5);
        var update = weights.Layout.Select(slot => Enumerable.Range(0, slot.Length).Select(_ => (float)(random.NextDouble() - 0.5) / 100).ToArray()).ToArray();
        return (weights, update);
    }

    private static float Flat(float[][] update, ParameterSet weights, int index)
    {
        var slot = weights.Layout.Last(s => s.Offset <= index);
        return update[weights.Layout.ToList().IndexOf(slot)][index - slot.Offset];
    }
}
