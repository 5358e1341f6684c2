using BenchmarkDotNet.Attributes;
using L402Train.Lightning;
using L402Train.Lightning.Bolt11;
using L402Train.Lightning.Secp256k1;

namespace L402Train.Bench.Lightning;

/// <summary>Full-mode BenchmarkDotNet suite for the codec (quick mode prints the same figures with a stopwatch).</summary>
[MemoryDiagnoser]
public class Bolt11Benchmarks
{
    private readonly NodeKey key = NodeKey.Generate();
    private Bolt11Request request = null!;
    private string invoice = "";

    /// <summary>Builds one typical simnet invoice.</summary>
    [GlobalSetup]
    public void Setup()
    {
        request = Samples.Request();
        invoice = Bolt11Invoice.Sign(request, key).PaymentRequest;
    }

    /// <summary>Decode with the default (native) engine.</summary>
    [Benchmark(Baseline = true)]
    public Bolt11Invoice Decode() => Bolt11Invoice.Decode(invoice);

    /// <summary>Decode with BouncyCastle.</summary>
    [Benchmark]
    public Bolt11Invoice DecodeBouncyCastle() => Bolt11Invoice.Decode(invoice, Secp256k1Engine.BouncyCastle);

    /// <summary>Encode and sign.</summary>
    [Benchmark]
    public Bolt11Invoice EncodeSign() => Bolt11Invoice.Sign(request, key);
}

internal static class Samples
{
    public static Bolt11Request Request() =>
        new("bcrt", Preimage.Random().Hash, Preimage.Random().Bytes.ToArray(), DateTimeOffset.FromUnixTimeSeconds(1_767_225_600))
        {
            Amount = new Sats(2_100).ToMilliSats(),
            Description = "l402train gradient deposit round 42",
            Expiry = TimeSpan.FromMinutes(30),
            MinFinalCltvExpiry = 80,
        };
}
