using System.Diagnostics;
using System.Globalization;
using L402Train.Compression;

namespace L402Train.Bench.Compression;

/// <summary>
/// Stopwatch figures on the synthetic 24.8M-parameter pseudo-gradient, printed as name=value.
/// Every timing is the best of a few runs after a warm-up, and throughput is GB/s of fp32 model
/// bytes (4 per parameter). The copy baseline runs in the same process on the same buffers so
/// compress_over_copy compares like with like on a shared machine.
/// </summary>
internal static class QuickFigures
{
    public static void Run(int repeats)
    {
        var manifest = SyntheticModel.Manifest();
        var delta = SyntheticModel.PseudoGradient(manifest, 42);
        var memory = delta.Select(d => (ReadOnlyMemory<float>)d).ToArray();
        var modelBytes = 4.0 * manifest.TotalElements;
        Print("parameters", manifest.TotalElements);
        Print("single_thread_clock_is_thread_cpu_time", ThreadClock.IsThreadCpuTime ? 1 : 0);

        // Ratios: a second round, so error feedback is warm as in steady-state training.
        var encoder = new SparseLoCoEncoder(manifest);
        encoder.Compress(memory);
        var submission = encoder.Compress(memory);
        var metadata = PayloadMetadata.Create(12345, "peer-0123456789abcdef");
        var v1 = submission.ToBytes(WireVersion.V1, metadata);
        var v2 = submission.ToBytes(WireVersion.V2, metadata);
        Print("payload_v1_bytes", v1.Length);
        Print("payload_v2_bytes", v2.Length);
        Print("ratio_v1_fp32", modelBytes / v1.Length);
        Print("ratio_v2_fp32", modelBytes / v2.Length);
        Print("ratio_v1_bf16", modelBytes / 2 / v1.Length);
        Print("ratio_v2_bf16", modelBytes / 2 / v2.Length);
        var twoD = manifest.Tensors.Select((t, i) => (t, i)).Where(x => x.t.Shape.Length == 2).ToArray();
        var manifest2d = new TensorManifest(twoD.Select(x => x.t));
        var submission2d = new SparseSubmission(manifest2d, [.. twoD.Select(x => submission.Tensors[x.i])]);
        var bytes2d = 4.0 * manifest2d.TotalElements;
        Print("ratio_v1_fp32_2d", bytes2d / submission2d.ToBytes(WireVersion.V1).Length);
        Print("ratio_v2_fp32_2d", bytes2d / submission2d.ToBytes(WireVersion.V2).Length);

        var (rice, eliasFano, gapEntropy, bound) = IndexCoderStudy.BitsPerIndex(submission);
        Print("index_bits_12bit", 12);
        Print("index_bits_rice", rice);
        Print("index_bits_elias_fano", eliasFano);
        Print("index_bits_gap_entropy", gapEntropy);
        Print("index_bits_bound", bound);

        // Throughput. The output stream is reused so growth of a MemoryStream is not measured.
        var sink = new MemoryStream(v2.Length * 2);
        double CompressSeconds(int threads, WireVersion version, bool cpu = true)
        {
            var e = new SparseLoCoEncoder(manifest, new CompressionSettings { MaxDegreeOfParallelism = threads });
            return (cpu && threads == 1 ? (Func<int, Action, double>)BestCpu : Best)(repeats, () =>
            {
                sink.Position = 0;
                e.Compress(memory).WriteTo(sink, version, metadata);
            });
        }

        var compress1 = CompressSeconds(1, WireVersion.V1);
        Print("compress_gbps_1t", modelBytes / compress1 / 1e9);
        Print("compress_gbps_1t_wall", modelBytes / CompressSeconds(1, WireVersion.V1, cpu: false) / 1e9);
        Print("compress_v2_gbps_1t", modelBytes / CompressSeconds(1, WireVersion.V2) / 1e9);
        Print("threads", Environment.ProcessorCount);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var allWall = CompressSeconds(Environment.ProcessorCount, WireVersion.V1);
        var allCpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds / (repeats + WarmUps);
        Print("compress_gbps_all", modelBytes / allWall / 1e9);
        Print("compress_gbps_all_per_core_cpu", modelBytes / allCpu / 1e9);

        var decoder = new SparseLoCoDecoder(manifest);
        var accumulators = manifest.Tensors.Select(t => new float[t.ElementCount]).ToArray();
        double DecodeSeconds(byte[] payload) => BestCpu(repeats, () =>
        {
            var decoded = decoder.Decode(payload).Submission;
            for (var t = 0; t < accumulators.Length; t++)
            {
                decoded.Tensors[t].AddTo(accumulators[t]);
            }
        });
        Print("decompress_accumulate_gbps_1t", modelBytes / DecodeSeconds(v1) / 1e9);
        Print("decompress_accumulate_v2_gbps_1t", modelBytes / DecodeSeconds(v2) / 1e9);

        var copies = manifest.Tensors.Select(t => new float[t.ElementCount]).ToArray();
        var copy = BestCpu(repeats, () =>
        {
            for (var t = 0; t < delta.Length; t++)
            {
                delta[t].AsSpan().CopyTo(copies[t]);
            }
        });
        Print("copy_gbps_1t", modelBytes / copy / 1e9);
        Print("compress_over_copy", compress1 / copy);

        var peers = Enumerable.Range(0, 8).Select(p =>
        {
            var e = new SparseLoCoEncoder(manifest);
            var g = SyntheticModel.PseudoGradient(manifest, (ulong)(100 + p));
            return new PeerSubmission($"peer{p}", decoder.Decode(e.Compress([.. g.Select(x => (ReadOnlyMemory<float>)x)]).ToBytes(WireVersion.V2)).Submission);
        }).ToArray();
        Print("aggregate_8_peers_ms_1t", 1000 * BestCpu(repeats, () => SparseLoCoAggregator.Aggregate(peers, 1)));
    }

    /// <summary>
    /// Warm-up runs before any timing: tiered compilation promotes hot methods to optimized code
    /// only after about 30 calls plus a background delay, and a single warm-up left the first
    /// figure measuring tier-0 code (compress_over_copy read 8.4 instead of about 4).
    /// </summary>
    private const int WarmUps = 3;

    /// <summary>Best wall-clock seconds of a few runs after warm-up.</summary>
    private static double Best(int repeats, Action action)
    {
        WarmUp(action);
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return best;
    }

    /// <summary>Best CPU seconds of the calling thread (single-threaded work only).</summary>
    private static double BestCpu(int repeats, Action action)
    {
        WarmUp(action);
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var start = ThreadClock.Seconds();
            action();
            best = Math.Min(best, ThreadClock.Seconds() - start);
        }

        return best;
    }

    private static void WarmUp(Action action)
    {
        for (var i = 0; i < WarmUps; i++)
        {
            action();
        }
    }

    private static void Print(string name, double value) =>
        Console.WriteLine($"{name}={value.ToString(value == Math.Floor(value) && Math.Abs(value) < 1e15 ? "0" : "0.000", CultureInfo.InvariantCulture)}");
}
