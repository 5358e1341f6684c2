using L402Train.Compression;

namespace L402Train.Bench.Compression;

/// <summary>
/// A GPT-2-shaped 24.8M-parameter model (C = 768, 3 layers, vocab 4,096, context 512) and a
/// pseudo-gradient for it: near-Gaussian values with a different scale per tensor and per row,
/// which is roughly what θ_start − θ_end after a few AdamW steps looks like.
/// </summary>
internal static class SyntheticModel
{
    public static TensorManifest Manifest()
    {
        const int c = 768;
        var tensors = new List<TensorSpec> { new("wte", 4096, c), new("wpe", 512, c) };
        for (var layer = 0; layer < 3; layer++)
        {
            var p = $"h.{layer}.";
            tensors.AddRange(
            [
                new(p + "ln_1.weight", c), new(p + "ln_1.bias", c),
                new(p + "attn.c_attn.weight", c, 3 * c), new(p + "attn.c_attn.bias", 3 * c),
                new(p + "attn.c_proj.weight", c, c), new(p + "attn.c_proj.bias", c),
                new(p + "ln_2.weight", c), new(p + "ln_2.bias", c),
                new(p + "mlp.c_fc.weight", c, 4 * c), new(p + "mlp.c_fc.bias", 4 * c),
                new(p + "mlp.c_proj.weight", 4 * c, c), new(p + "mlp.c_proj.bias", c),
            ]);
        }

        tensors.Add(new("ln_f.weight", c));
        tensors.Add(new("ln_f.bias", c));
        return new TensorManifest(tensors);
    }

    public static float[][] PseudoGradient(TensorManifest manifest, ulong seed)
    {
        var state = seed | 1;
        float Uniform()
        {
            // xorshift64*: fast enough to fill 25M values in well under a second.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            return ((state * 2685821657736338717ul) >> 40) * (1f / (1 << 24));
        }

        var result = new float[manifest.Count][];
        for (var t = 0; t < manifest.Count; t++)
        {
            var spec = manifest[t];
            var values = new float[spec.ElementCount];
            var columns = spec.Layout.Columns;
            var tensorScale = 1e-4f * (0.5f + Uniform());
            var rowScale = tensorScale;
            for (var i = 0; i < values.Length; i++)
            {
                if (i % columns == 0)
                {
                    rowScale = tensorScale * (0.5f + Uniform());
                }

                // Irwin–Hall(4): a cheap, bounded near-normal.
                values[i] = rowScale * (Uniform() + Uniform() + Uniform() + Uniform() - 2f);
            }

            result[t] = values;
        }

        return result;
    }
}
