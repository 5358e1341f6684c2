using L402Train.Model.Tensors;

namespace L402Train.Model.Gpt;

/// <summary>Offsets of one block's tensors in the flat parameter buffer.</summary>
internal readonly record struct BlockOffsets(
    int Ln1W, int Ln1B, int QkvW, int QkvB, int AttProjW, int AttProjB,
    int Ln2W, int Ln2B, int FcW, int FcB, int FcProjW, int FcProjB);

/// <summary>
/// The parameter layout: wte [V, C], wpe [T, C], then per block ln_1, attn.c_attn (qkv), attn.c_proj,
/// ln_2, mlp.c_fc, mlp.c_proj (weights [out, in], then bias), then ln_f. Same tensors as llm.c,
/// split per layer so every tensor is at most 2-D.
/// </summary>
internal sealed class GptLayout
{
    public GptLayout(GptConfig config)
    {
        var specs = new List<TensorSlot>();
        var offset = 0;
        int Add(string name, params int[] shape)
        {
            var spec = new TensorSlot(name, shape, offset);
            specs.Add(spec);
            offset = checked(offset + spec.Length);
            return spec.Offset;
        }

        int v = config.VocabSize, t = config.MaxSequenceLength, c = config.Channels;
        Wte = Add("wte", v, c);
        Wpe = Add("wpe", t, c);
        var blocks = new BlockOffsets[config.Layers];
        for (var l = 0; l < config.Layers; l++)
        {
            var p = $"h.{l}.";
            blocks[l] = new BlockOffsets(
                Add(p + "ln_1.weight", c), Add(p + "ln_1.bias", c),
                Add(p + "attn.c_attn.weight", 3 * c, c), Add(p + "attn.c_attn.bias", 3 * c),
                Add(p + "attn.c_proj.weight", c, c), Add(p + "attn.c_proj.bias", c),
                Add(p + "ln_2.weight", c), Add(p + "ln_2.bias", c),
                Add(p + "mlp.c_fc.weight", 4 * c, c), Add(p + "mlp.c_fc.bias", 4 * c),
                Add(p + "mlp.c_proj.weight", c, 4 * c), Add(p + "mlp.c_proj.bias", c));
        }

        LnfW = Add("ln_f.weight", c);
        LnfB = Add("ln_f.bias", c);
        Blocks = blocks;
        Specs = specs;
        Count = offset;
    }

    public IReadOnlyList<TensorSlot> Specs { get; }

    public int Count { get; }

    public int Wte { get; }

    public int Wpe { get; }

    public IReadOnlyList<BlockOffsets> Blocks { get; }

    public int LnfW { get; }

    public int LnfB { get; }
}
