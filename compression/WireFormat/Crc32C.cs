using System.Buffers.Binary;
using System.Numerics;

namespace L402Train.Compression;

/// <summary>CRC-32C (Castagnoli) over the hardware instruction that <see cref="BitOperations"/> exposes.</summary>
internal static class Crc32C
{
    public const uint Seed = 0xFFFF_FFFFu;

    /// <summary>Continues a running (non-inverted) CRC; start from <see cref="Seed"/>, finish with <see cref="Finish"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    public static uint Finish(uint crc) => ~crc;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Seed, data));
}
