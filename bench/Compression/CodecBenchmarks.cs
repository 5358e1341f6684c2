using BenchmarkDotNet.Attributes;
using L402Train.Compression;

namespace L402Train.Bench.Compression;

/// <summary>BenchmarkDotNet view of the same operations (full mode: no --quick).</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private TensorManifest _manifest = null!;
    private ReadOnlyMemory<float>[] _delta = null!;
    private SparseLoCoEncoder _encoder = null!;
    private SparseLoCoDecoder _decoder = null!;
    private byte[] _v1 = null!;
    private byte[] _v2 = null!;
    private readonly MemoryStream _sink = new();

    [GlobalSetup]
    public void Setup()
    {
        _manifest = SyntheticModel.Manifest();
        _delta = [.. SyntheticModel.PseudoGradient(_manifest, 42).Select(d => (ReadOnlyMemory<float>)d)];
        _encoder = new SparseLoCoEncoder(_manifest, new CompressionSettings { MaxDegreeOfParallelism = 1 });
        _decoder = new SparseLoCoDecoder(_manifest);
        var submission = _encoder.Compress(_delta);
        _v1 = submission.ToBytes(WireVersion.V1);
        _v2 = submission.ToBytes(WireVersion.V2);
    }

    [Benchmark]
    public long CompressV1SingleThread()
    {
        _sink.Position = 0;
        return _encoder.Compress(_delta).WriteTo(_sink, WireVersion.V1);
    }

    [Benchmark]
    public long DecodeV1() => _decoder.Decode(_v1).Length;

    [Benchmark]
    public long DecodeV2() => _decoder.Decode(_v2).Length;
}
