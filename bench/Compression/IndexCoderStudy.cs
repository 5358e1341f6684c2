using L402Train.Compression;

namespace L402Train.Bench.Compression;

/// <summary>
/// Bits per index that each candidate v2 index coder would spend on the same selection, so the
/// choice in docs/compression.md rests on numbers: Golomb–Rice (what v2 ships), Elias–Fano per
/// chunk, the empirical entropy of the gaps (what a static-model rANS coder could reach at best,
/// before paying for its frequency table), and the combinatorial bound log2 C(n, k) per chunk.
/// </summary>
internal static class IndexCoderStudy
{
    public static (double Rice, double EliasFano, double GapEntropy, double Bound) BitsPerIndex(SparseSubmission submission)
    {
        double rice = 0, eliasFano = 0, bound = 0;
        long count = 0;
        var gapHistogram = new long[4096];
        foreach (var tensor in submission.Tensors)
        {
            var n = tensor.Spec.Layout.ChunkLength;
            var k = tensor.K;
            var indices = tensor.Indices;
            count += indices.Length;
            rice += RiceGapCoder.BitCount(indices, k, RiceGapCoder.ChooseParameter(indices, k));

            // Elias–Fano: l = ⌊log2(n/k)⌋ low bits each, plus k ones and ⌈n/2^l⌉ zeros of unary high parts.
            var l = n > k ? (int)Math.Floor(Math.Log2((double)n / k)) : 0;
            eliasFano += (double)tensor.Spec.Layout.ChunkCount * ((k * l) + k + ((n + (1 << l) - 1) >> l));
            bound += tensor.Spec.Layout.ChunkCount * Log2Binomial(n, k);
            for (var start = 0; start < indices.Length; start += k)
            {
                var previous = -1;
                for (var i = start; i < start + k; i++)
                {
                    gapHistogram[indices[i] - previous - 1]++;
                    previous = indices[i];
                }
            }
        }

        double entropy = 0;
        foreach (var c in gapHistogram)
        {
            if (c > 0)
            {
                var p = (double)c / count;
                entropy -= c * Math.Log2(p);
            }
        }

        return (rice / count, eliasFano / count, entropy / count, bound / count);
    }

    private static double Log2Binomial(int n, int k)
    {
        double sum = 0;
        for (var i = 0; i < k; i++)
        {
            sum += Math.Log2((double)(n - i) / (i + 1));
        }

        return sum;
    }
}
