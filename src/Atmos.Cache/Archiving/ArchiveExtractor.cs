using Atmos.Cache.Archiving.Compression;
using Atmos.Cache.Archiving.Extraction;
using Atmos.Cache.Archiving.Integrity;
using Atmos.Cache.Archiving.Tar;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Archiving;

/// <summary>
/// Extracts a cache archive into a root, all or nothing: the archive is unpacked into a staging
/// folder first and only moved into the root when every entry was valid.
/// </summary>
internal static class ArchiveExtractor
{
    private const int FileBufferSize = 256 * 1024;
    private const int PipeChunkSize = 1 << 20;
    private const int PipeChunkCount = 4;

    public static Task<ArchiveStats> ExtractAsync(string archivePath, string root, ExtractOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archivePath);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);

        if (!File.Exists(archivePath))
        {
            throw new CacheArchiveException($"The cache archive '{archivePath}' does not exist.");
        }

        // Decompression and file writes are synchronous and long: keep them off the caller's thread.
        return Task.Factory.StartNew(
            () =>
            {
                using var archive = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize);
                return Extract(archive, Path.GetFullPath(root), options, ArchiveInput.CompleteFile, cancellationToken);
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Extracts an archive that may still be arriving. <paramref name="archive"/> (left open) must be
    /// seekable, report the archive's final length, make a read wait until its bytes are there, and
    /// report its end only once all of the archive arrived: nothing is merged into the root before.
    /// <paramref name="stopReading"/> runs when the extraction fails, before it waits for its
    /// decompression thread, and must end a read that is still waiting for bytes. With
    /// <paramref name="trailerFirst"/> the archive's end can be read at once (its tail was fetched
    /// ahead), so the trailer is read first and an indexed gzip member inflated on every core.
    /// <paramref name="arrivingDigest"/>, when given, hashes the stored bytes as they arrive (else
    /// they are hashed once all arrived); either way the digest is checked before the merge.
    /// </summary>
    internal static Task<ArchiveStats> ExtractAsync(
        Stream archive, string root, ExtractOptions options, Action stopReading, CancellationToken cancellationToken, bool trailerFirst = false,
        IArrivingDigest? arrivingDigest = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stopReading);

        return Task.Factory.StartNew(
            () => Extract(archive, Path.GetFullPath(root), options, new ArchiveInput(stopReading, trailerFirst, arrivingDigest), cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private static ArchiveStats Extract(Stream archive, string root, ExtractOptions options, ArchiveInput input, CancellationToken cancellationToken)
    {
        var compression = StoredBytesFailure.Reading(() => ArchiveFormat.Detect(archive));

        var workspace = ExtractionWorkspace.Create(root);
        RootMerger? merger = null;
        var keepTrash = false;
        try
        {
            // Reading the archive into staging is where its own bytes can fail; merging is this machine's part.
            var extracted = StoredBytesFailure.Reading(
                () => ExtractToStaging(archive, compression, workspace, options, input, cancellationToken));

            merger = new RootMerger(workspace.StagingRoot, root, workspace.TrashRoot);
            merger.Merge();
            FolderMetadata.Apply(root, extracted.FoldersDeepestFirst());
            merger = null; // committed: nothing to roll back from here on

            options.Logger.Log(CacheLogLevel.Detail, $"Extracted {extracted.Entries} entries ({extracted.ContentBytes} bytes) into '{root}'.");
            if (extracted.KeptExisting > 0)
            {
                options.Logger.Log(CacheLogLevel.Detail, $"Kept {extracted.KeptExisting} archive entries the root already held complete.");
            }

            if (extracted.SkippedExcluded > 0)
            {
                options.Logger.Log(CacheLogLevel.Detail,
                    $"Skipped {extracted.SkippedExcluded} archive entries under the state folder or an auth folder; those are never restored.");
            }

            if (extracted.SkippedSymlinks.Count > 0)
            {
                options.Logger.Log(CacheLogLevel.Warning, SkippedSymlinksMessage(extracted.SkippedSymlinks));
            }

            return new ArchiveStats(extracted.Entries, extracted.ContentBytes, archive.Length) { Files = extracted.Files };
        }
        catch (Exception e)
        {
            if (merger is not null)
            {
                var lost = merger.Rollback();
                if (lost.Count > 0)
                {
                    keepTrash = true;
                    options.Logger.Log(CacheLogLevel.Warning,
                        $"Could not undo the partial restore of {lost.Count} path(s) (first: '{lost[0]}'); the replaced originals are kept in '{workspace.TrashRoot}'.");
                }
            }

            throw Translate(e);
        }
        finally
        {
            workspace.CleanUp(keepTrash, options.Logger);
        }
    }

    private static StagingExtractor ExtractToStaging(
        Stream archive, ArchiveCompression compression, ExtractionWorkspace workspace, ExtractOptions options, ArchiveInput input, CancellationToken cancellationToken)
    {
        var verification = options.Verification ?? EntryVerification.DigestOnly;
        // When the end can be read first (a complete file, or a download that fetched its tail
        // ahead), the trailer says which digest to compute, and an indexed gzip member is inflated
        // on every core; otherwise the archive is read in order and the trailer read last.
        var early = input.TrailerFirst ? ArchiveTrailer.Read(archive, compression) : null;
        var verified = input.TrailerFirst && VerifyStoredBytesFirst(archive, early, input.ArrivingDigest, verification, cancellationToken);

        using var decompressor = input.TrailerFirst
            ? CompressionStreams.CreateDecompressorOfFile(archive, compression, early)
            : CompressionStreams.CreateDecompressor(archive, compression);
        if (decompressor is ParallelGzipReadStream parallel)
        {
            options.Logger.Log(CacheLogLevel.Detail, $"Inflating the archive's {parallel.ChunkCount} gzip chunks on {parallel.Workers} threads.");
        }

        using var pipe = new ChunkPipe(PipeChunkSize, PipeChunkCount);
        // The tar stream is hashed only for a v1 archive known as such; one found out late is decompressed again (TarStreamDigest).
        var pump = new DecompressionPump(decompressor, pipe, hashTarStream: RecordedDigest.Of(early)?.Scope == DigestScope.TarStream);
        var pumping = pump.Start();
        var reader = new StrictTarReader(new ChunkPipeReadStream(pipe), options.TarLimits);
        var extractor = new StagingExtractor(reader, workspace.StagingRoot, options, workspace.ModesKeptByCreate, cancellationToken);
        bool ended;
        try
        {
            extractor.ExtractAll();
            // Read to the end of the compressed stream so that its own checks (CRC, checksum) run,
            // but only so far: what a tar end marker is followed by is not ours to decompress forever.
            ended = reader.ReadPastEnd();
            if (!ended)
            {
                pipe.Abort();
            }
        }
        catch
        {
            pipe.Abort();
            // The decompression thread may be waiting for archive bytes that are still arriving.
            input.StopReading?.Invoke();
            throw;
        }
        finally
        {
            // The pump never throws; wait so the pipe and decompressor outlive it.
            pumping.Wait(CancellationToken.None);
            options.TarBytesRead?.Invoke(reader.Position);
        }

        var trailer = ArchiveTrailer.Read(archive, compression);
        if (!ended)
        {
            options.Logger.Log(CacheLogLevel.Warning,
                $"The cache archive goes on for more than {options.TarLimits.MaxBytesAfterEnd} bytes after its tar end marker; the rest was not read (as GNU tar ignores it), so its compression checksum was not checked.");
        }

        // Read after the data (an archive still arriving has its trailer last).
        else if (compression == ArchiveCompression.Gzip && !GzipSizeMatches(archive, trailer, pump.BytesProduced))
        {
            throw new CacheArchiveException(
                "The cache archive is truncated or corrupt: the gzip size trailer does not match the data. It was not restored.");
        }

        WaitForEnd(archive);
        if (!verified)
        {
            // Last check before the merge: the content is what was saved (and, when signing, who saved it).
            verification.Check(trailer, ComputeRecordedDigest(archive, compression, trailer, pump, input.ArrivingDigest, cancellationToken));
        }

        return extractor;
    }

    /// <summary>
    /// The gzip size field that ends the data (just before the package's trailer when there is one)
    /// against what was decompressed: the one member's size, or for an archive of whole-member chunks
    /// the last chunk's, with the index's chunk sizes adding up to all of it.
    /// </summary>
    private static bool GzipSizeMatches(Stream archive, ArchiveTrailer? trailer, long produced)
    {
        var sizeField = ArchiveFormat.ReadGzipSizeTrailer(archive, trailer?.DataLength ?? archive.Length);
        return GzipChunkIndex.WholeMemberSizes(trailer) is var (total, last)
            ? total == produced && sizeField == (uint)last
            : sizeField == unchecked((uint)produced);
    }

    /// <summary>
    /// With the trailer known before the data: a v2 digest of a complete archive is checked here,
    /// before a byte is decompressed (true: verified); one still arriving is told where its data
    /// ends. An archive without a v2 digest stops the arriving digest.
    /// </summary>
    private static bool VerifyStoredBytesFirst(
        Stream archive, ArchiveTrailer? trailer, IArrivingDigest? arriving, EntryVerification verification, CancellationToken cancellationToken)
    {
        if (trailer is null || RecordedDigest.Of(trailer)?.Scope != DigestScope.StoredBytes)
        {
            arriving?.Abandon();
            return false;
        }

        if (arriving is not null)
        {
            arriving.Cover(trailer.DataLength);
            return false;
        }

        verification.Check(trailer, StoredDigest.Compute(archive, trailer.DataLength, cancellationToken));
        return true;
    }

    /// <summary>The digest of what the trailer's recorded digest covers (empty when it records none).</summary>
    private static byte[] ComputeRecordedDigest(
        Stream archive, ArchiveCompression compression, ArchiveTrailer? trailer, DecompressionPump pump, IArrivingDigest? arriving, CancellationToken cancellationToken)
    {
        switch (RecordedDigest.Of(trailer)?.Scope)
        {
            case DigestScope.StoredBytes:
                return arriving?.Finish(trailer!.DataLength, cancellationToken) ?? StoredDigest.Compute(archive, trailer!.DataLength, cancellationToken);
            case DigestScope.TarStream:
                arriving?.Abandon();
                return pump.FinishDigest() ?? TarStreamDigest.Compute(archive, compression, cancellationToken);
            default:
                arriving?.Abandon();
                return [];
        }
    }

    /// <summary>
    /// Reads at the archive's end: immediate for a file; for an archive still arriving, this waits
    /// until all of it arrived (or throws its failure), so a failed download never reaches the merge.
    /// </summary>
    private static void WaitForEnd(Stream archive)
    {
        archive.Seek(0, SeekOrigin.End);
        if (archive.ReadByte() != -1)
        {
            throw new CacheArchiveException("The cache archive grew while it was being extracted. It was not restored; run the restore again.") { OnThisMachine = true };
        }
    }

    /// <summary>One warning for every link Windows would not create, naming the first few.</summary>
    internal static string SkippedSymlinksMessage(IReadOnlyList<string> links)
    {
        var named = string.Join(", ", links.Take(5).Select(link => $"'{EntryNames.Display(link)}'"));
        var more = links.Count > 5 ? $" and {links.Count - 5} more" : string.Empty;
        return $"Did not restore {links.Count} symbolic link(s), {named}{more}: Windows creates symbolic links only with Developer Mode on or in an elevated process; the rest of the cache was restored.";
    }

    private static Exception Translate(Exception e) => e switch
    {
        CacheException or OperationCanceledException => e,
        _ => new CacheArchiveException($"Extracting the cache archive failed, and the root was left as it was: {StoredBytesFailure.Sentence(e.Message)}.", e),
    };
}

/// <summary>How the archive reaches an extraction: a complete file, or a download still under way.</summary>
internal sealed record ArchiveInput(Action? StopReading, bool TrailerFirst, IArrivingDigest? ArrivingDigest)
{
    public static ArchiveInput CompleteFile { get; } = new(null, TrailerFirst: true, null);
}

/// <summary>Bounds and logging for an extraction.</summary>
internal sealed record ExtractOptions
{
    /// <summary>The most bytes of content an archive may declare (written or skipped).</summary>
    public long MaxTotalBytes { get; init; } = 32L * 1024 * 1024 * 1024;
    /// <summary>The most entries an archive may hold, its metadata records (PAX headers, GNU long names) included.</summary>
    public long MaxEntries { get; init; } = 2_000_000;
    /// <summary>Decompressed bytes read past the tar end marker (room for a small trailing member or frame).</summary>
    public int MaxBytesAfterEnd { get; init; } = 8 * 1024 * 1024;

    /// <summary>Test hook: told how many bytes of the tar stream (decompressed) the extraction consumed.</summary>
    internal Action<long>? TarBytesRead { get; init; }

    internal TarLimits TarLimits => new() { MaxEntries = MaxEntries, MaxContentBytes = MaxTotalBytes, MaxBytesAfterEnd = MaxBytesAfterEnd };
    public Diagnostics.ICacheLogger Logger { get; init; } = Diagnostics.NullCacheLogger.Instance;
    /// <summary>Checks the content digest and signature before the merge; without it the digest alone is checked.</summary>
    public EntryVerification? Verification { get; init; }
    /// <summary>
    /// Entries (by root-relative path) the root already holds complete and unchanged, so they are neither
    /// extracted nor merged: the root's copy stays. Null: every entry is extracted.
    /// </summary>
    public Func<string, bool>? KeepExisting { get; init; }
}
