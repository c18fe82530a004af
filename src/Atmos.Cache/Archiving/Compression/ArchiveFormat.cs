using System.Buffers.Binary;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Archiving.Compression;

/// <summary>Recognises an archive's compression by its magic bytes and reads the gzip size trailer.</summary>
internal static class ArchiveFormat
{
    private static ReadOnlySpan<byte> GzipMagic => [0x1f, 0x8b];
    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xb5, 0x2f, 0xfd];

    /// <summary>Detects the format and leaves the stream at its start.</summary>
    public static ArchiveCompression Detect(Stream archive)
    {
        Span<byte> head = stackalloc byte[4];
        var read = archive.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        archive.Position = 0;
        if (read >= 2 && head[..2].SequenceEqual(GzipMagic))
        {
            return ArchiveCompression.Gzip;
        }

        if (read >= 4 && head.SequenceEqual(ZstdMagic))
        {
            return ArchiveCompression.Zstd;
        }

        var shown = Convert.ToHexString(head[..read]);
        throw new CacheArchiveException(
            $"The cache archive is neither gzip nor zstd (it starts with bytes '{shown}'), so it was not restored.");
    }

    /// <summary>
    /// The ISIZE field of a gzip member (uncompressed size mod 2^32, its last 4 bytes) that ends at
    /// <paramref name="dataEnd"/>. .NET's GZipStream reports a stream cut inside that field as a clean
    /// end, so the restore compares this afterwards.
    /// </summary>
    public static uint ReadGzipSizeTrailer(Stream archive, long dataEnd)
    {
        const int MinimumGzipLength = 18;
        if (dataEnd < MinimumGzipLength)
        {
            throw new CacheArchiveException("The cache archive is truncated: it is too short to be a gzip file. It was not restored.");
        }

        Span<byte> trailer = stackalloc byte[4];
        archive.Position = dataEnd - 4;
        archive.ReadExactly(trailer);
        archive.Position = 0;
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }
}
