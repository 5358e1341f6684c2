using System.Buffers.Binary;
using System.Security.Cryptography;

namespace L402Train.Compression;

/// <summary>
/// One peer's sparse update for a whole model, tensors in manifest order: what the encoder
/// produces and what the decoder returns. It writes itself in either wire version and offers the
/// validator's tools: densify (optionally clipped), content hash, and top-k index overlap.
/// </summary>
public sealed class SparseSubmission
{
    private readonly SparseTensor[] _tensors;

    /// <summary>Wraps sparse tensors that match the manifest one to one, in order.</summary>
    public SparseSubmission(TensorManifest manifest, IReadOnlyList<SparseTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count != manifest.Count)
        {
            throw new ArgumentException($"{tensors.Count} tensors for a manifest of {manifest.Count}.", nameof(tensors));
        }

        for (var i = 0; i < tensors.Count; i++)
        {
            if (!tensors[i].Spec.Equals(manifest[i]))
            {
                throw new ArgumentException($"Tensor #{i} is {tensors[i].Spec}; the manifest expects {manifest[i]}.", nameof(tensors));
            }
        }

        Manifest = manifest;
        _tensors = [.. tensors];
    }

    /// <summary>The manifest the tensors follow.</summary>
    public TensorManifest Manifest { get; }

    /// <summary>The sparse tensors in manifest order.</summary>
    public IReadOnlyList<SparseTensor> Tensors => _tensors;

    /// <summary>Streams the payload in <paramref name="version"/> to <paramref name="output"/>; returns bytes written.</summary>
    public long WriteTo(Stream output, WireVersion version, PayloadMetadata? metadata = null) =>
        PayloadWriter.Write(this, output, version, metadata ?? PayloadMetadata.Empty);

    /// <summary>The payload in <paramref name="version"/> as a byte array.</summary>
    public byte[] ToBytes(WireVersion version, PayloadMetadata? metadata = null)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, version, metadata);
        return stream.ToArray();
    }

    /// <summary>L2 norm of each tensor's values (deterministic).</summary>
    public double[] Norms() => [.. _tensors.Select(t => t.Norm())];

    /// <summary>
    /// The dense update per tensor. With <paramref name="clipNorms"/> (one per tensor, e.g. the
    /// round's median norms) each tensor is scaled by min(1, m / (‖v‖ + 1e-8)) as the reference
    /// clips a single peer's update for the validator's trial step.
    /// </summary>
    public float[][] Densify(IReadOnlyList<double>? clipNorms = null)
    {
        if (clipNorms is not null && clipNorms.Count != _tensors.Length)
        {
            throw new ArgumentException($"One clip norm per tensor ({_tensors.Length}) is needed.", nameof(clipNorms));
        }

        var dense = new float[_tensors.Length][];
        for (var i = 0; i < _tensors.Length; i++)
        {
            var scale = clipNorms is null ? 1f : ClipFactor(_tensors[i].Norm(), clipNorms[i]);
            dense[i] = new float[_tensors[i].Spec.ElementCount];
            _tensors[i].AddTo(dense[i], scale);
        }

        return dense;
    }

    /// <summary>The reference's clip factor min(1, median / (norm + 1e-8)).</summary>
    public static float ClipFactor(double norm, double median) => (float)Math.Min(1.0, median / (norm + 1e-8));

    /// <summary>
    /// Fraction of (tensor, chunk, slot) positions selected by both submissions, over all positions
    /// either could select (Σ shared / Σ k). Templar averages |I∩J|/k per chunk and weights tensors
    /// by chunks·k, which is the same number. Identical selections give 1; independent random
    /// 64-of-4,096 selections about 1/64.
    /// </summary>
    public double IndexOverlap(SparseSubmission other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Manifest.Count != Manifest.Count)
        {
            throw new ArgumentException("Submissions follow different manifests.", nameof(other));
        }

        Span<ulong> seen = stackalloc ulong[64];
        long shared = 0, total = 0;
        for (var t = 0; t < _tensors.Length; t++)
        {
            SparseTensor a = _tensors[t], b = other._tensors[t];
            if (a.K != b.K || !a.Spec.Equals(b.Spec))
            {
                throw new ArgumentException($"Tensor #{t} differs in shape or k between the submissions.", nameof(other));
            }

            for (var chunk = 0; chunk < a.Spec.Layout.ChunkCount; chunk++)
            {
                seen.Clear();
                foreach (var slot in a.ChunkIndices(chunk))
                {
                    seen[slot >> 6] |= 1ul << slot;
                }

                foreach (var slot in b.ChunkIndices(chunk))
                {
                    shared += (long)(seen[slot >> 6] >> slot) & 1;
                }
            }

            total += (long)a.K * a.Spec.Layout.ChunkCount;
        }

        return total == 0 ? 0 : (double)shared / total;
    }

    /// <summary>
    /// Cosine similarity of the two updates as sent (dot product over the positions both selected,
    /// over the product of the norms): 1 for a copy, about 0 for independent updates, −1 for a
    /// reversed copy. Unlike <see cref="IndexOverlap"/> it weighs each position by its value, so a
    /// copy of an update's largest entries is similar even when it shares few of its positions.
    /// </summary>
    public double ValueSimilarity(SparseSubmission other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Manifest.Count != Manifest.Count)
        {
            throw new ArgumentException("Submissions follow different manifests.", nameof(other));
        }

        var scratch = new float[4096];
        double dot = 0, normA = 0, normB = 0;
        for (var t = 0; t < _tensors.Length; t++)
        {
            SparseTensor a = _tensors[t], b = other._tensors[t];
            if (a.K != b.K || !a.Spec.Equals(b.Spec))
            {
                throw new ArgumentException($"Tensor #{t} differs in shape or k between the submissions.", nameof(other));
            }

            for (var chunk = 0; chunk < a.Spec.Layout.ChunkCount; chunk++)
            {
                ReadOnlySpan<ushort> slotsB = b.ChunkIndices(chunk);
                ReadOnlySpan<float> valuesB = b.ChunkValues(chunk);
                for (var i = 0; i < slotsB.Length; i++)
                {
                    scratch[slotsB[i]] = valuesB[i];
                    normB += (double)valuesB[i] * valuesB[i];
                }

                ReadOnlySpan<ushort> slotsA = a.ChunkIndices(chunk);
                ReadOnlySpan<float> valuesA = a.ChunkValues(chunk);
                for (var i = 0; i < slotsA.Length; i++)
                {
                    dot += (double)valuesA[i] * scratch[slotsA[i]];
                    normA += (double)valuesA[i] * valuesA[i];
                }

                foreach (var slot in slotsB)
                {
                    scratch[slot] = 0;
                }
            }
        }

        return normA == 0 || normB == 0 ? 0 : dot / Math.Sqrt(normA * normB);
    }

    /// <summary>
    /// SHA-256 over the canonical content: per tensor its name, shape and k, then per chunk the
    /// (slot, dequantized value bits) pairs in slot order. Independent of wire version, metadata
    /// and the order of slots on the wire, so re-encoding or re-labelling a copy does not hide it.
    /// </summary>
    public ContentHash ComputeContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        var used = 0;
        var pairs = new (ushort Slot, float Value)[4096];

        void Reserve(int bytes)
        {
            if (used + bytes > buffer.Length)
            {
                hash.AppendData(buffer, 0, used);
                used = 0;
            }
        }

        void Int(int value)
        {
            Reserve(4);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(used), value);
            used += 4;
        }

        foreach (var tensor in _tensors)
        {
            var name = System.Text.Encoding.UTF8.GetBytes(tensor.Spec.Name);
            Int(name.Length);
            Reserve(name.Length);
            name.CopyTo(buffer, used);
            used += name.Length;
            foreach (var dim in tensor.Spec.Shape)
            {
                Int(dim);
            }

            Int(tensor.K);
            for (var chunk = 0; chunk < tensor.Spec.Layout.ChunkCount; chunk++)
            {
                var slots = tensor.ChunkIndices(chunk);
                var values = tensor.ChunkValues(chunk);
                var sorted = true;
                for (var i = 0; i < slots.Length; i++)
                {
                    pairs[i] = (slots[i], values[i]);
                    sorted &= i == 0 || slots[i - 1] < slots[i];
                }

                var span = pairs.AsSpan(0, slots.Length);
                if (!sorted)
                {
                    span.Sort(static (x, y) => x.Slot.CompareTo(y.Slot));
                }

                Reserve(6 * span.Length);
                foreach (var (slot, value) in span)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(used), slot);
                    BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(used + 2), value);
                    used += 6;
                }
            }
        }

        hash.AppendData(buffer, 0, used);
        return new ContentHash(hash.GetHashAndReset());
    }
}
