using System.Buffers;
using System.Security.Cryptography;
using Atmos.Cache.Archiving.Compression;

namespace Atmos.Cache.Archiving.Integrity;

/// <summary>
/// The v1 digest of a complete archive, decompressed once more: only for an archive whose trailer
/// could not be read before its data (a download without its tail fetched ahead) and turned out to
/// be v1. Every archive written since carries the v2 digest, so this is the migration path only.
/// </summary>
internal static class TarStreamDigest
{
    private const int BufferSize = 1 << 20;

    public static byte[] Compute(Stream archive, ArchiveCompression compression, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var position = archive.Position;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            archive.Position = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var decompressor = CompressionStreams.CreateDecompressor(archive, compression);
            int n;
            while ((n = decompressor.Read(buffer, 0, BufferSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, n);
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
