using L402Train.Model.Gpt;

namespace L402Train.Bench.Model;

/// <summary>
/// Floating-point operations of a step, counting the matrix products and attention (2 flops per
/// multiply-add; elementwise work, LayerNorm, softmax and AdamW are left out, under 2 % here).
/// Per token and layer the weight products are 12C² multiply-adds (qkv 3C², projection C², MLP
/// 8C²), the tied LM head V·C; causal attention over a sequence of T is 2·C·T(T+1)/2 per layer
/// (scores and weighted values for t′ ≤ t, which is what the engine computes). A training step is
/// three times the forward pass (the backward pass computes two products per forward product).
/// </summary>
internal static class StepFlops
{
    public static double Forward(GptConfig config, int batch, int seq)
    {
        double c = config.Channels, v = config.VocabSize, l = config.Layers;
        var weights = seq * ((l * 12 * c * c) + (v * c));
        var attention = l * c * seq * (seq + 1.0);
        return 2 * batch * (weights + attention);
    }

    public static double Training(GptConfig config, int batch, int seq) => 3 * Forward(config, batch, seq);
}
