using System.Text;
using Atmos.Cache.Archiving.Compression;
using Atmos.Cache.Archiving.Integrity;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Archiving.Writing;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Native;
using Atmos.Cache.Root;
using ICSharpCode.SharpZipLib.Tar;

namespace Atmos.Cache.Archiving;

/// <summary>Writes a cache root (or its include paths) as one compressed tar stream.</summary>
internal static class ArchiveWriter
{
    private const int FileBufferSize = 1 << 20;

    /// <summary>
    /// Archives <paramref name="root"/> into a new file at <paramref name="archivePath"/>.
    /// The state folder and the auth folders are never archived.
    /// </summary>
    public static Task<ArchiveStats> WriteAsync(string root, string archivePath, ArchiveWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archivePath);
        return StartWriting(root, options, cancellationToken, (includes, token) =>
        {
            try
            {
                using var file = new FileStream(archivePath, FileMode.Create, FileAccess.Write, FileShare.None, FileBufferSize);
                return Write(root, file, includes, options, token);
            }
            catch (Exception e)
            {
                TryDelete(archivePath);
                if (e is CacheException or OperationCanceledException)
                {
                    throw;
                }

                throw Failure(root, e);
            }
        });
    }

    /// <summary>
    /// Archives <paramref name="root"/> into <paramref name="output"/> (left open, flushed at the end),
    /// the same bytes the file overload writes; the stats count the bytes written to it.
    /// </summary>
    public static Task<ArchiveStats> WriteAsync(string root, Stream output, ArchiveWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        return StartWriting(root, options, cancellationToken, (includes, token) => Write(root, output, includes, options, token));
    }

    private static Task<ArchiveStats> StartWriting(
        string root, ArchiveWriteOptions options, CancellationToken cancellationToken, Func<IncludePaths, CancellationToken, ArchiveStats> write)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);

        var includes = IncludePaths.Parse(options.Includes, options.Excludes);
        if (!Directory.Exists(root))
        {
            throw new CacheArchiveException($"The cache root '{root}' does not exist, so there is nothing to archive.");
        }

        ReportIncludeProblems(root, includes, options.Logger);

        // File and compression work is synchronous and long: keep it off the caller's thread.
        return Task.Factory.StartNew(
            () => write(includes, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private static ArchiveStats Write(string root, Stream output, IncludePaths includes, ArchiveWriteOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var start = output.Position;
            (long Entries, long ContentBytes, long Files) written;
            // The compressed bytes are hashed as they go out (trailer v2): the trailer records their digest.
            using var stored = new DigestingWriteStream(output);
            using (var compressor = CompressionStreams.CreateChunkCompressor(stored, options.Compression))
            {
                var chunks = new ChunkingWriteStream(compressor, cancellationToken);
                var tar = new TarOutputStream(chunks, Encoding.UTF8) { IsStreamOwner = false };
                written = ReadAheadArchiver.Write(root, includes, options.Logger, new TarJobWriter(tar), cancellationToken);
                // Writes the end-of-archive blocks and the last record.
                tar.Dispose();
                chunks.Complete();
                WriteTrailer(output, options.Compression, Seal([.. compressor.TrailerRecords, new TrailerRecord(TrailerTag.StoredDigest, stored.FinishDigest())], options.Signing));
            }

            output.Flush();
            return new ArchiveStats(written.Entries, written.ContentBytes, output.Position - start) { Files = written.Files };
        }
        catch (Exception e) when (e is not (CacheException or OperationCanceledException))
        {
            throw Failure(root, e);
        }
    }

    /// <summary>The records, followed by their signature when the entry is signed (v2: over every record before it).</summary>
    private static List<TrailerRecord> Seal(List<TrailerRecord> records, EntrySigning? signing)
    {
        if (signing is not null)
        {
            var signature = signing.Signer.Sign(DigestScope.StoredBytes, SealedRecords.Digest(records), signing.Key, signing.Version);
            records.Add(new TrailerRecord(TrailerTag.Signature, signature));
        }

        return records;
    }

    /// <summary>Appends the trailer (after the compressed data, where other readers skip it) when there is anything to carry.</summary>
    private static void WriteTrailer(Stream output, ArchiveCompression compression, IReadOnlyList<TrailerRecord> records)
    {
        if (records.Count > 0)
        {
            ArchiveTrailer.Write(output, compression, records);
        }
    }

    private static CacheArchiveException Failure(string root, Exception e) =>
        new($"Writing the cache archive of '{root}' failed: {e.Message}", e);

    private static void ReportIncludeProblems(string root, IncludePaths includes, ICacheLogger logger)
    {
        foreach (var include in includes.Paths)
        {
            var first = include.Split('/')[0];
            if (ArchiveExclusions.Match(first) is { } excluded)
            {
                logger.Log(CacheLogLevel.Detail, $"The include path '{include}' is inside {ArchiveExclusions.Describe(excluded)}, which is never cached.");
            }
            else if (NativeFileType.Probe(Path.Combine(root, include)) == FileKind.Missing)
            {
                logger.Log(CacheLogLevel.Detail, $"The include path '{include}' does not exist under the cache root; skipped.");
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>How to write an archive.</summary>
internal sealed record ArchiveWriteOptions
{
    public ArchiveCompression Compression { get; init; } = ArchiveCompression.Gzip;
    /// <summary>Root-relative paths to include; empty means the whole root.</summary>
    public IReadOnlyList<string> Includes { get; init; } = [];
    /// <summary>Root-relative files to leave out although an include covers them.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];
    public Diagnostics.ICacheLogger Logger { get; init; } = Diagnostics.NullCacheLogger.Instance;
    /// <summary>Signs the entry (its key and version) when set; every archive carries the digest of its stored bytes regardless.</summary>
    public EntrySigning? Signing { get; init; }
}

/// <summary>What an archive or extraction step handled.</summary>
internal sealed record ArchiveStats(long Entries, long ContentBytes, long ArchiveBytes)
{
    /// <summary>Regular files among the entries.</summary>
    public long Files { get; init; }
}
