using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;

namespace L402Train.Compression.Tests;

public sealed class WireFormatTests
{
    private static readonly TensorManifest Manifest = Models.Small();
    private static readonly SparseLoCoDecoder Decoder = new(Manifest);

    [Fact]
    public void Decode_of_encode_equals_the_dequantized_selection_and_v1_v2_agree()
    {
        var gen = from seed in Gen.Choose(0, int.MaxValue)
                  from rule in Gen.Elements(TopKRule.DensityScaled, TopKRule.Templar)
                  from topK in Gen.Elements(1, 7, 64, 500)
                  from quantize in Gen.Elements(true, false)
                  select new { seed, settings = new CompressionSettings { Rule = rule, TopK = topK, Quantize = quantize } };
        Prop.ForAll(Arb.From(gen), c =>
        {
            var submission = Payloads.Submission(Manifest, c.seed, c.settings);
            var decoder = new SparseLoCoDecoder(Manifest, c.settings);
            var v1 = decoder.Decode(submission.ToBytes(WireVersion.V1)).Submission;
            var v2 = decoder.Decode(submission.ToBytes(WireVersion.V2)).Submission;
            for (var t = 0; t < Manifest.Count; t++)
            {
                var sent = submission.Tensors[t];
                foreach (var got in new[] { v1.Tensors[t], v2.Tensors[t] })
                {
                    if (!got.Indices.SequenceEqual(sent.Indices) || !got.Values.SequenceEqual(sent.Values) || !Equals(got.Table, sent.Table))
                    {
                        return false;
                    }
                }
            }

            return v1.ComputeContentHash() == v2.ComputeContentHash();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public void V2_is_smaller_than_v1_for_the_same_content()
    {
        var submission = Payloads.Submission(new TensorManifest([new TensorSpec("w", 512, 512)]), 1);
        var v1 = submission.ToBytes(WireVersion.V1).Length;
        var v2 = submission.ToBytes(WireVersion.V2).Length;
        Assert.True(v2 < v1 * 0.9, $"v1 {v1} bytes, v2 {v2} bytes");
    }

    [Fact]
    public void Metadata_round_trips_and_carries_base_version_and_peer_id()
    {
        var metadata = PayloadMetadata.Create(42, "peer-é", [new("note", "x")]);
        var decoded = Decoder.Decode(Payloads.Submission(Manifest, 1).ToBytes(WireVersion.V2, metadata));
        Assert.Equal(WireVersion.V2, decoded.Version);
        Assert.Equal(42, decoded.Metadata.BaseVersion);
        Assert.Equal("peer-é", decoded.Metadata.PeerId);
        Assert.Equal("x", decoded.Metadata.Entries["note"]);
    }

    [Fact]
    public async Task Streams_that_trickle_decode_like_byte_arrays()
    {
        var bytes = Payloads.Submission(Manifest, 3).ToBytes(WireVersion.V1);
        var fromStream = Decoder.Decode(new TrickleStream(bytes, 5));
        var fromAsync = await Decoder.DecodeAsync(new TrickleStream(bytes, 3), TestContext.Current.CancellationToken);
        Assert.Equal(bytes.Length, fromStream.Length);
        Assert.Equal(Decoder.Decode(bytes).Submission.ComputeContentHash(), fromStream.Submission.ComputeContentHash());
        Assert.Equal(fromStream.Submission.ComputeContentHash(), fromAsync.Submission.ComputeContentHash());
    }

    [Fact]
    public void Crc32c_matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));

    [Fact]
    public void Every_truncation_is_reported_as_truncated()
    {
        var bytes = Payloads.Submission(Manifest, 4).ToBytes(WireVersion.V2, PayloadMetadata.Create(1, "p"));
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<CompressedFormatException>(() => Decoder.Decode(bytes.AsMemory(0, length)));
            Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bad_magic_version_and_flags_are_named()
    {
        var bytes = Payloads.Submission(Manifest, 5).ToBytes(WireVersion.V1);
        AssertRejected(Corrupt(bytes, b => b[0] = (byte)'X'), "Bad magic");
        AssertRejected(Corrupt(bytes, b => b[4] = 3), "Unsupported wire version 3");
        AssertRejected(Corrupt(bytes, b => b[5] = 1), "Unknown header flags");
    }

    [Fact]
    public void Checksum_mismatch_and_trailing_bytes_are_named()
    {
        var bytes = Payloads.Submission(Manifest, 6).ToBytes(WireVersion.V1);
        AssertRejected(Corrupt(bytes, b => b[^10] ^= 0x40), "Checksum mismatch");
        AssertRejected([.. bytes, 0], "Trailing bytes");
    }

    [Fact]
    public void Index_out_of_range_or_repeated_within_a_chunk_is_named()
    {
        var bytes = Payloads.Submission(Manifest, 7).ToBytes(WireVersion.V1);
        var odd = Manifest.IndexOf("odd"); // 29×50 chunks: 1,450 slots, k = 23
        var start = Payloads.V1Indices(Manifest, odd);
        AssertRejected(Resealed(bytes, b => { b[start] = 0xFF; b[start + 1] |= 0x0F; }), "index 4095 is out of range for a chunk of 1450");

        // Make the second index of chunk 0 equal the first: a = b0 | (b1&0xF)<<8, b = b1>>4 | b2<<4.
        var duplicate = Resealed(bytes, b =>
        {
            int first = b[start] | ((b[start + 1] & 0x0F) << 8);
            b[start + 1] = (byte)((b[start + 1] & 0x0F) | ((first & 0x0F) << 4));
            b[start + 2] = (byte)(first >> 4);
        });
        AssertRejected(duplicate, "is repeated");
    }

    [Fact]
    public void Non_finite_quantizer_tables_are_named()
    {
        var bytes = Payloads.Submission(Manifest, 8).ToBytes(WireVersion.V1);
        var entry = Payloads.TableEntry(Manifest, 1);
        var shift = entry + Payloads.EntryLength(Manifest[1]) - 20;
        AssertRejected(Resealed(bytes, b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(shift), float.NaN)), "non-finite quantizer table");
        AssertRejected(Resealed(bytes, b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(shift + 8), float.PositiveInfinity)), "non-finite quantizer table");
        AssertRejected(Resealed(bytes, b =>
        {
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(shift), float.MaxValue);
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(shift + 16), float.MaxValue);
        }), "non-finite quantizer table");
    }

    [Fact]
    public void Shapes_names_k_and_coding_must_match_the_manifest_and_settings()
    {
        var bytes = Payloads.Submission(Manifest, 9).ToBytes(WireVersion.V1);
        var reshaped = new TensorManifest(Manifest.Tensors.Select(t => t.Name == "odd" ? new TensorSpec("odd", 100, 29) : t));
        AssertRejected(bytes, "dimension 0 = 29; the manifest expects odd[100, 29]", new SparseLoCoDecoder(reshaped));
        var renamed = new TensorManifest(Manifest.Tensors.Select(t => t.Name == "bias" ? new TensorSpec("bias2", 100) : t));
        AssertRejected(bytes, "named 'bias'; the manifest expects 'bias2'", new SparseLoCoDecoder(renamed));
        AssertRejected(bytes, "Payload declares 6 tensors; the manifest has 5", new SparseLoCoDecoder(new TensorManifest(Manifest.Tensors.Take(5))));
        AssertRejected(bytes, "Tensor 'wte' declares k = 48; the settings give 24", new SparseLoCoDecoder(Manifest, new CompressionSettings { TopK = 32 }));
        AssertRejected(bytes, "uses value coding 1; the settings expect 2", new SparseLoCoDecoder(Manifest, new CompressionSettings { Quantize = false }));
    }

    [Fact]
    public void Declared_size_over_the_limit_is_rejected_before_reading_the_payload()
    {
        var bytes = Payloads.Submission(Manifest, 10).ToBytes(WireVersion.V2);
        var tight = new SparseLoCoDecoder(Manifest, limits: new DecoderLimits { MaxPayloadBytes = bytes.Length - 1 });
        AssertRejected(bytes, "over the limit", tight);
        Assert.Equal(bytes.Length, new SparseLoCoDecoder(Manifest, limits: new DecoderLimits { MaxPayloadBytes = bytes.Length }).Decode(bytes).Length);
    }

    [Fact]
    public void Rice_sections_that_declare_too_much_or_decode_out_of_range_are_named()
    {
        var bytes = Payloads.Submission(Manifest, 11).ToBytes(WireVersion.V2);
        var section = Payloads.TableEntry(Manifest, Manifest.Count);
        AssertRejected(Resealed(bytes, b => b[section] = 12), "Rice parameter 12");
        AssertRejected(Resealed(bytes, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(section + 1), 1_000_000)), "declares an index section of 1000000 bytes");
        AssertRejected(Resealed(bytes, b => b[section + 5] = 0xFF), "Tensor 'wte'");
    }

    [Fact]
    public void Metadata_limits_and_encoding_are_enforced()
    {
        var bytes = Payloads.Submission(Manifest, 12).ToBytes(WireVersion.V1, PayloadMetadata.FromEntries([new("a", "b")]));
        AssertRejected(Resealed(bytes, b => b[6] = 33), "33 metadata entries");
        AssertRejected(Resealed(bytes, b => b[8] = 0xFF), "metadata key is not valid UTF-8");
        AssertRejected(Resealed(bytes, b => b[7] = 0), "Metadata key #0 has length 0");
        Assert.Throws<ArgumentException>(() => PayloadMetadata.FromEntries(Enumerable.Range(0, 33).Select(i => new KeyValuePair<string, string>($"k{i}", ""))));
    }

    private static byte[] Corrupt(byte[] bytes, Action<byte[]> change)
    {
        var copy = (byte[])bytes.Clone();
        change(copy);
        return copy;
    }

    private static byte[] Resealed(byte[] bytes, Action<byte[]> change)
    {
        var copy = Corrupt(bytes, change);
        Payloads.Reseal(copy);
        return copy;
    }

    private static void AssertRejected(byte[] bytes, string message, SparseLoCoDecoder? decoder = null)
    {
        var error = Assert.Throws<CompressedFormatException>(() => (decoder ?? Decoder).Decode(bytes));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
