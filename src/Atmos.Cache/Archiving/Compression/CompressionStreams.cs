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

    private const int ChunkSize = 2 << 20;

    /// <summary>The largest chunk an index may describe: bounds what one chunk in flight costs on restore.</summary>
    private const int MaxIndexedChunkLength = 2 * ChunkSize;

    /// <summary>
    /// The compressor of a new archive written into <paramref name="output"/> (left open). gzip
    /// deflates 2 MiB chunks on every core into one standard gzip member; zstd uses the library's
    /// own worker threads on one frame (the system libzstd when there is one, else the managed port).
    /// </summary>
    public static ChunkCompressor CreateChunkCompressor(Stream output, ArchiveCompression compression)
    {
        var workers = Math.Max(1, Environment.ProcessorCount);
        switch (compression)
        {
            case ArchiveCompression.Gzip:
                // The BCL's GZipStream is zlib-ng backed; Fastest is ~3x quicker than gzip -1.
                return new ParallelGzipCompressor(output, CompressionLevel.Fastest, ChunkSize, workers);
            case ArchiveCompression.Zstd when SystemZstd.Functions is { } native:
                return new SystemZstdCompressor(native, output, ZstdLevel, workers, ChunkSize, 2);
            case ArchiveCompression.Zstd:
                var zstd = new CompressionStream(output, ZstdLevel, bufferSize: 1 << 20, leaveOpen: true);
                zstd.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, workers);
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
