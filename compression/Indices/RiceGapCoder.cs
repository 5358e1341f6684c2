using System.Buffers.Binary;
using System.Numerics;

namespace L402Train.Compression;

/// <summary>
/// Wire v2 index coding: within each chunk the ascending indices become gaps g = i − previous − 1
/// (previous = −1 at a chunk's start), each sent as a Golomb–Rice code with one parameter b per
/// tensor: ⌊g/2^b⌋ one-bits, a zero bit, then the low b bits. Bits fill bytes from the least
/// significant end; the last byte is zero-padded. docs/compression.md explains why Rice won.
/// </summary>
public static class RiceGapCoder
{
    /// <summary>Largest Rice parameter (gaps are below 4,096).</summary>
    public const int MaxParameter = 11;

    /// <summary>Picks the parameter with the fewest bits for these chunks (k sorted indices each).</summary>
    public static int ChooseParameter(ReadOnlySpan<ushort> indices, int k) => ChooseParameter(indices, k, out _);

    /// <summary>Picks the cheapest parameter and reports its exact size in bits.</summary>
    public static int ChooseParameter(ReadOnlySpan<ushort> indices, int k, out long bits)
    {
        if (indices.IsEmpty)
        {
            bits = 0;
            return 0;
        }

        // Gaps of k-of-n selections are near-geometric with mean ≈ n/k, so the optimum is within one
        // of log2(mean gap); score the neighbours exactly (one pass) rather than all twelve.
        long gapSum = 0;
        for (var start = 0; start < indices.Length; start += k)
        {
            // Gaps within a chunk telescope: Σ (i_j − i_{j−1} − 1) = last − k + 1.
            gapSum += indices[start + k - 1] - k + 1;
        }

        var guess = Math.Clamp(BitOperations.Log2((ulong)(gapSum / indices.Length) + 1), 1, MaxParameter - 1);
        long below = 0, at = 0, above = 0;
        for (var start = 0; start < indices.Length; start += k)
        {
            var previous = -1;
            for (var i = start; i < start + k; i++)
            {
                var gap = indices[i] - previous - 1;
                previous = indices[i];
                below += gap >> (guess - 1);
                at += gap >> guess;
                above += gap >> (guess + 1);
            }
        }

        var n = (long)indices.Length;
        below += n * guess;
        at += n * (guess + 1);
        above += n * (guess + 2);
        (var best, bits) = below < at ? (guess - 1, below) : (guess, at);
        if (above < bits)
        {
            (best, bits) = (guess + 1, above);
        }

        return best;
    }

    /// <summary>Exact encoded size in bits of these chunks at parameter <paramref name="b"/>.</summary>
    public static long BitCount(ReadOnlySpan<ushort> indices, int k, int b)
    {
        long bits = (long)indices.Length * (b + 1);
        for (var start = 0; start < indices.Length; start += k)
        {
            var previous = -1;
            for (var i = start; i < start + k; i++)
            {
                bits += (indices[i] - previous - 1) >> b;
                previous = indices[i];
            }
        }

        return bits;
    }

    /// <summary>Encodes ascending per-chunk indices; returns bytes written (⌈bits/8⌉).</summary>
    public static int Encode(ReadOnlySpan<ushort> indices, int k, int b, Span<byte> output)
    {
        var writer = new BitWriter(output);
        var lowMask = (1u << b) - 1;
        for (var start = 0; start < indices.Length; start += k)
        {
            var previous = -1;
            for (var i = start; i < start + k; i++)
            {
                var gap = (uint)(indices[i] - previous - 1);
                previous = indices[i];
                var quotient = (int)(gap >> b);
                while (quotient >= 32)
                {
                    writer.Write(uint.MaxValue, 32);
                    quotient -= 32;
                }

                // quotient ones then the terminating zero, then the low bits.
                writer.Write((1u << quotient) - 1, quotient + 1);
                writer.Write(gap & lowMask, b);
            }
        }

        return writer.Finish();
    }

    /// <summary>
    /// Decodes <c>output.Length</c> indices in chunks of k. Returns null on success or the reason
    /// the section is malformed: an index reaching <paramref name="chunkLength"/>, running past the
    /// section, bytes left over, or non-zero padding.
    /// </summary>
    internal static string? Decode(ReadOnlySpan<byte> input, int k, int b, int chunkLength, Span<ushort> output)
    {
        var reader = new BitReader(input);
        var maxQuotient = (chunkLength - 1) >> b;
        var lowMask = (1u << b) - 1;
        for (var start = 0; start < output.Length; start += k)
        {
            var previous = -1;
            for (var i = start; i < start + k; i++)
            {
                var quotient = reader.CountOnes(maxQuotient + 1);
                if (quotient < 0)
                {
                    return "index section ends inside a code";
                }

                if (quotient > maxQuotient)
                {
                    return $"a gap exceeds the chunk length {chunkLength}";
                }

                if (!reader.TryRead(b, out var low))
                {
                    return "index section ends inside a code";
                }

                var index = previous + 1 + (int)((uint)quotient << b | (low & lowMask));
                if (index >= chunkLength)
                {
                    return $"index {index} is out of range for a chunk of {chunkLength}";
                }

                output[i] = (ushort)index;
                previous = index;
            }
        }

        return reader.CheckEnd();
    }

    /// <summary>LSB-first bit writer over a caller-sized span.</summary>
    private ref struct BitWriter(Span<byte> output)
    {
        private readonly Span<byte> _output = output;
        private ulong _buffer;
        private int _bits;
        private int _position;

        public void Write(uint value, int count)
        {
            _buffer |= (ulong)value << _bits;
            _bits += count;
            if (_bits >= 32)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(_output[_position..], (uint)_buffer);
                _position += 4;
                _buffer >>= 32;
                _bits -= 32;
            }
        }

        public int Finish()
        {
            while (_bits > 0)
            {
                _output[_position++] = (byte)_buffer;
                _buffer >>= 8;
                _bits -= 8;
            }

            return _position;
        }
    }

    /// <summary>LSB-first bit reader that reports running out instead of throwing.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> input)
    {
        private readonly ReadOnlySpan<byte> _input = input;
        private ulong _buffer;
        private int _bits;
        private int _position;

        /// <summary>Counts one-bits up to the first zero (consumed); -1 if input ends; stops past <paramref name="limit"/>.</summary>
        public int CountOnes(int limit)
        {
            var ones = 0;
            while (true)
            {
                if (_bits == 0 && !Refill())
                {
                    return -1;
                }

                var run = BitOperations.TrailingZeroCount(~_buffer);
                if (run < _bits)
                {
                    ones += run;
                    Consume(run + 1);
                    return ones;
                }

                ones += _bits;
                _buffer = 0;
                _bits = 0;
                if (ones > limit)
                {
                    return ones;
                }
            }
        }

        public bool TryRead(int count, out uint value)
        {
            while (_bits < count)
            {
                if (!Refill())
                {
                    value = 0;
                    return false;
                }
            }

            value = (uint)(_buffer & ((1ul << count) - 1));
            Consume(count);
            return true;
        }

        public readonly string? CheckEnd()
        {
            if (_position < _input.Length)
            {
                return "bytes left over after the last index";
            }

            if (_buffer != 0)
            {
                return "non-zero padding after the last index";
            }

            return _bits >= 8 ? "a whole padding byte after the last index" : null;
        }

        private void Consume(int count)
        {
            _buffer = count >= 64 ? 0 : _buffer >> count;
            _bits -= count;
        }

        private bool Refill()
        {
            if (_position >= _input.Length)
            {
                return false;
            }

            // One byte at a time keeps the rule simple: _bits never exceeds 56 + 8.
            while (_bits <= 56 && _position < _input.Length)
            {
                _buffer |= (ulong)_input[_position++] << _bits;
                _bits += 8;
            }

            return true;
        }
    }
}
