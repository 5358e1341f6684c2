namespace L402Train.Compression.Tests;

/// <summary>Small manifests and random pseudo-gradients shared by the tests.</summary>
internal static class Models
{
    /// <summary>A small transformer-like manifest: full 64×64 chunks, odd shapes, a prime dimension and 1-D tensors.</summary>
    public static TensorManifest Small() => new(
    [
        new TensorSpec("wte", 96, 128),
        new TensorSpec("attn.w", 128, 192),
        new TensorSpec("ln.g", 128),
        new TensorSpec("odd", 29, 100),
        new TensorSpec("prime", 67, 3),
        new TensorSpec("bias", 100),
    ]);

    /// <summary>A tiny manifest for the fuzz test (payloads of a few hundred bytes).</summary>
    public static TensorManifest Tiny() => new(
    [
        new TensorSpec("w", 64, 128),
        new TensorSpec("b", 70),
        new TensorSpec("p", 7, 67),
    ]);

    public static float[][] Gradient(TensorManifest manifest, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        return [.. manifest.Tensors.Select(t =>
        {
            var values = new float[t.ElementCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = scale * (float)((random.NextDouble() * 2) - 1) * (float)Math.Exp(random.NextDouble() * 3);
            }

            return values;
        })];
    }

    public static IReadOnlyList<ReadOnlyMemory<float>> AsMemory(float[][] tensors) => [.. tensors.Select(t => (ReadOnlyMemory<float>)t)];
}
