using System.Buffers;
using System.Security.Cryptography;

namespace Atmos.Cache.Archiving.Integrity;

/// <summary>The v2 digest: SHA-256 of an archive's stored bytes before its trailer.</summary>
internal static class StoredDigest
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Hashes the first <paramref name="dataLength"/> bytes of a complete, seekable archive (its
    /// position is restored): one sequential read, before anything is decompressed.
    /// </summary>
    public static byte[] Compute(Stream archive, long dataLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        var position = archive.Position;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            archive.Position = 0;
            for (var left = dataLength; left > 0;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = archive.Read(buffer, 0, (int)Math.Min(BufferSize, left));
                if (n == 0)
                {
                    throw new EndOfStreamException($"the archive ended {left} bytes before its trailer");
                }

                hash.AppendData(buffer, 0, n);
                left -= n;
            }

            return hash.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            archive.Position = position;
        }
    }
}
