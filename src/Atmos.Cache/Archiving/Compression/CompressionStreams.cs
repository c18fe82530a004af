using System.IO.Compression;
using Atmos.Cache.Archiving.Compression.Deflate;
using Atmos.Cache.Archiving.Compression.Zstd;
using Atmos.Cache.Archiving.Trailer;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Atmos.Cache.Archiving.Compression;

/// <summary>The compressors and decompressors of the two archive formats.</summary>
internal static class CompressionStreams
{
    private const int ZstdLevel = 3;

    /// <summary>
    /// A 64 MiB window with long-distance matching (`zstd --long=26`): 13% smaller archives of a .NET
    /// folder or a NuGet packages folder than level 3's own 2 MiB window, for a 64 MiB buffer on restore
    /// (within the 128 MiB every zstd decoder accepts without being told, GNU tar's and actions/cache's included).
    /// </summary>
    private const int ZstdWindowLog = 26;

    private const int ChunkSize = 2 << 20;

    /// <summary>libdeflate's level 1: smaller archives than zlib-ng's fastest level for about the same CPU.</summary>
    private const int LibdeflateLevel = 1;

    /// <summary>The largest chunk an index may describe: bounds what one chunk in flight costs on restore.</summary>
    private const int MaxIndexedChunkLength = 2 * ChunkSize;

    /// <summary>
    /// The compressor of a new archive written into <paramref name="output"/> (left open). gzip
    /// deflates 2 MiB chunks on every core, each into a gzip member of its own with the machine's
    /// libdeflate, or without it into one standard gzip member with zlib-ng; zstd uses the library's
    /// own worker threads on one frame (the system libzstd when there is one, else the managed port).
    /// </summary>
    public static ChunkCompressor CreateChunkCompressor(Stream output, ArchiveCompression compression)
    {
        var workers = Math.Max(1, Environment.ProcessorCount);
        switch (compression)
        {
            case ArchiveCompression.Gzip when SystemLibdeflate.Functions is { } libdeflate:
                return new LibdeflateGzipCompressor(libdeflate, output, LibdeflateLevel, ChunkSize, workers);
            case ArchiveCompression.Gzip:
                // The BCL's GZipStream is zlib-ng backed; Fastest is ~3x quicker than gzip -1.
                return new ParallelGzipCompressor(output, CompressionLevel.Fastest, ChunkSize, workers);
            case ArchiveCompression.Zstd when SystemZstd.Functions is { } native:
                return new SystemZstdCompressor(native, output, ZstdLevel, ZstdWindowLog, workers, ChunkSize, 2);
            case ArchiveCompression.Zstd:
                var zstd = new CompressionStream(output, ZstdLevel, bufferSize: 1 << 20, leaveOpen: true);
                zstd.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, workers);
                zstd.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, ZstdWindowLog);
                zstd.SetParameter(ZSTD_cParameter.ZSTD_c_enableLongDistanceMatching, 1);
                // A content checksum lets a restore detect corruption, as the zstd CLI does by default.
                zstd.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
                return new StreamChunkCompressor(zstd, ChunkSize, 2);
            default:
                throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown archive compression.");
        }
    }

    /// <summary>Inflation threads for an indexed gzip archive: more would only wait for the tar side.</summary>
    private const int MaxInflateWorkers = 8;

    /// <summary>
    /// A decompressing stream over a complete, seekable archive file (left open on dispose): an
    /// indexed gzip member is inflated on every core, anything else as <see cref="CreateDecompressor"/> does.
    /// </summary>
    public static Stream CreateDecompressorOfFile(Stream archive, ArchiveCompression compression) =>
        CreateDecompressorOfFile(archive, compression, ArchiveTrailer.Read(archive, compression));

    /// <summary>As <see cref="CreateDecompressorOfFile(Stream, ArchiveCompression)"/>, with the archive's <paramref name="trailer"/> already read.</summary>
    public static Stream CreateDecompressorOfFile(Stream archive, ArchiveCompression compression, ArchiveTrailer? trailer)
    {
        if (compression == ArchiveCompression.Gzip
            && GzipChunkIndex.TryRead(archive, trailer, MaxIndexedChunkLength) is { } index)
        {
            return new ParallelGzipReadStream(archive, index, Math.Clamp(Environment.ProcessorCount, 1, MaxInflateWorkers), SystemLibdeflate.Functions);
        }

        return CreateDecompressor(archive, compression);
    }

    /// <summary>A decompressing stream over <paramref name="input"/> (left open on dispose).</summary>
    public static Stream CreateDecompressor(Stream input, ArchiveCompression compression) => compression switch
    {
        ArchiveCompression.Gzip => new GZipStream(input, CompressionMode.Decompress, leaveOpen: true),
        ArchiveCompression.Zstd when SystemZstd.Functions is { } native => new SystemZstdDecompressionStream(native, input),
        ArchiveCompression.Zstd => new DecompressionStream(input, bufferSize: 1 << 20, checkEndOfStream: true, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown archive compression."),
    };
}
