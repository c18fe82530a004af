using System.Buffers.Binary;
using System.Security.Cryptography;
using Atmos.Cache.Archiving.Trailer;

namespace Atmos.Cache.Archiving.Integrity;

/// <summary>
/// What a v2 signature covers: every trailer record but the signature, in order — the stored digest
/// and the records that steer decoding (the gzip chunk index), which lie outside the stored digest.
/// </summary>
internal static class SealedRecords
{
    /// <summary>SHA-256 over each record's tag, 16-bit length and payload, skipping signatures.</summary>
    public static byte[] Digest(IEnumerable<TrailerRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[4];
        foreach (var record in records)
        {
            if (record.Tag == TrailerTag.Signature)
            {
                continue;
            }

            header[0] = record.Tag.First;
            header[1] = record.Tag.Second;
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)record.Payload.Length);
            hash.AppendData(header);
            hash.AppendData(record.Payload.Span);
        }

        return hash.GetHashAndReset();
    }
}
