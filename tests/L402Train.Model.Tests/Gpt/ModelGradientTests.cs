using L402Train.Model.Gpt;
using static L402Train.Model.Tests.Kernels.FiniteDifference;

namespace L402Train.Model.Tests.Gpt;

public sealed class ModelGradientTests
{
    [Fact]
    public void Whole_model_gradient_matches_finite_differences_for_every_tensor()
    {
        var config = new GptConfig("check", 16, 8, 2, 16, 2);
        var engine = new GptEngine<double>(config, threads: 1);
        engine.Initialize(7);
        // Larger weights than GPT-2's 0.02 so every path carries a measurable gradient.
        for (var i = 0; i < engine.Parameters.Length; i++)
        {
            engine.Parameters[i] *= 3;
        }

        const int batch = 2, seq = 6;
        int[] inputs = [1, 2, 3, 4, 5, 6, 7, 3, 3, 15, 0, 9];
        int[] targets = [2, 3, 4, 5, 6, 7, 3, 3, 15, 0, 9, 1];
        engine.ZeroGradients();
        engine.Forward(inputs, targets, batch, seq, forTraining: true);
        engine.Backward();

        foreach (var spec in engine.Layout.Specs)
        {
            // wpe rows beyond seq get no gradient; check only the positions used. Large tensors are
            // checked on a leading run of up to 96 elements to keep the test quick.
            var count = Math.Min(96, spec.Name == "wpe" ? seq * config.Channels : spec.Length);
            var numeric = Gradient(engine.Parameters, () => engine.Forward(inputs, targets, batch, seq, forTraining: false), spec.Offset, count);
            AssertClose(engine.Gradients.AsSpan(spec.Offset, count), numeric, spec.Name);
        }
    }
}
