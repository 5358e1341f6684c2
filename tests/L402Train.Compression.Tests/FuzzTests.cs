using System.Diagnostics;

namespace L402Train.Compression.Tests;

public sealed class FuzzTests
{
    private const int Cases = 100_000;

    /// <summary>A decode may allocate its output and pooled buffers, never anything sized by the input.</summary>
    private const long MaxAllocationPerCase = 256 * 1024;

    [Fact]
    public void Mutated_and_random_payloads_raise_only_the_format_exception_without_large_allocations()
    {
        var manifest = Models.Tiny();
        var decoder = new SparseLoCoDecoder(manifest);
        var seeds = new List<byte[]>();
        for (var seed = 0; seed < 4; seed++)
        {
            var submission = Payloads.Submission(manifest, seed);
            seeds.Add(submission.ToBytes(WireVersion.V1));
            seeds.Add(submission.ToBytes(WireVersion.V2, PayloadMetadata.Create(seed, $"peer-{seed}")));
        }

        var random = new Random(20260101);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var accepted = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Cases; i++)
        {
            var input = i % 10 == 9 ? RandomBytes(random) : Mutate(seeds[random.Next(seeds.Count)], random);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                decoder.Decode(input);
                accepted++;
            }
            catch (CompressedFormatException e)
            {
                var kind = e.Message.Split(' ', 3)[0];
                outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < MaxAllocationPerCase, $"case {i} allocated {allocated} bytes for a {input.Length}-byte input");
        }

        // The mutations must reach past the checksum into the structural checks, or the test proves little.
        Assert.True(outcomes.Count >= 5, string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}")));
        Assert.InRange(accepted, 1, Cases / 2);
        TestContext.Current.SendDiagnosticMessage($"{Cases} cases in {watch.ElapsedMilliseconds} ms; accepted {accepted}");
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 600)];
        random.NextBytes(bytes);
        if (bytes.Length >= 6 && random.Next(2) == 0)
        {
            "SLCO"u8.CopyTo(bytes);
            bytes[4] = (byte)random.Next(1, 3);
            bytes[5] = 0;
            Payloads.Reseal(bytes);
        }

        return bytes;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 16)));
                    break;
                case 4:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)));
                    break;
                case 5:
                    bytes[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0;
                    if (at + 1 < bytes.Count)
                    {
                        bytes[at + 1] = 0xFF;
                    }

                    break;
                default:
                    bytes.AddRange(Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256)));
                    break;
            }
        }

        var result = bytes.ToArray();
        if (random.Next(4) != 0)
        {
            Payloads.Reseal(result);
        }

        return result;
    }
}
