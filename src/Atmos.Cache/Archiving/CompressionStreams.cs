using System.IO.Compression;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Atmos.Cache.Archiving;

/// <summary>The compressors and decompressors of the two archive formats.</summary>
internal static class CompressionStreams
{
    private const int ZstdLevel = 3;

    /// <summary>A compressing stream over <paramref name="output"/> (left open on dispose).</summary>
    public static Stream CreateCompressor(Stream output, ArchiveCompression compression)
    {
        switch (compression)
        {
            case ArchiveCompression.Gzip:
                // The BCL's GZipStream is zlib-ng backed; Fastest is ~3x quicker than gzip -1.
                return new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
            case ArchiveCompression.Zstd:
                var zstd = new CompressionStream(output, ZstdLevel, leaveOpen: true);
                zstd.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, Environment.ProcessorCount);
                // A content checksum lets a restore detect corruption, as the zstd CLI does by default.
                zstd.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
                return zstd;
            default:
                throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown archive compression.");
        }
    }

    /// <summary>A decompressing stream over <paramref name="input"/> (left open on dispose).</summary>
    public static Stream CreateDecompressor(Stream input, ArchiveCompression compression) => compression switch
    {
        ArchiveCompression.Gzip => new GZipStream(input, CompressionMode.Decompress, leaveOpen: true),
        ArchiveCompression.Zstd => new DecompressionStream(input, bufferSize: 1 << 20, checkEndOfStream: true, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown archive compression."),
    };
}
