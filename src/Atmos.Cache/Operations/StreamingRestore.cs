using System.Runtime.ExceptionServices;
using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Backends;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Streaming;

namespace Atmos.Cache.Operations;

/// <summary>
/// Extracts the archive while a streaming backend is still downloading it: the extraction reads the
/// downloaded prefix as it grows and merges into the root only after the whole archive arrived.
/// Whichever side fails first stops the other: a download failure ends the extraction (nothing is
/// merged) and is the error thrown; an extraction failure (a corrupt archive) cancels the download
/// and is the error thrown. Both sides have ended when this returns.
/// </summary>
internal sealed class StreamingRestore(IStreamingRestoreBackend backend, ICacheLogger logger)
{
    public async Task<(CacheMatch Match, ArchiveStats Stats)> RunAsync(
        string root, string key, IReadOnlyList<string> restoreKeys, string version, string downloadPath,
        Func<CacheMatch, ExtractOptions> optionsFor, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // A miss (or a failed lookup) throws here, before anything was downloaded or extracted.
        var download = await backend.StartRestoreAsync(key, restoreKeys, version, downloadPath, stop.Token).ConfigureAwait(false);
        ArchiveStats stats;
        try
        {
            // The options know the matched key, which the entry's signature covers.
            stats = await ExtractWhileDownloadingAsync(download, root, optionsFor(download.Match), stop, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Never leave the download running (it holds the file the caller deletes).
            await stop.CancelAsync().ConfigureAwait(false);
            await download.Completion.SettleAsync().ConfigureAwait(false);
        }

        return (download.Match, stats);
    }

    private async Task<ArchiveStats> ExtractWhileDownloadingAsync(
        StreamingDownload download, string root, ExtractOptions options, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        await using var input = new GrowingArchiveReadStream(download.Archive, download.Match.Size, stop.Token);
        // The stored bytes are hashed as they land, beside the download; held back by the longest trailer until its start is known.
        using var digest = GrowingArchiveDigest.Start(download.Archive, download.Match.Size, TrailerEncoding.MaxTrailerLength, stop.Token);
        var extracting = StartExtracting(input, root, options, digest, stop);

        // Faulted, not cancelled: a cancellation comes from the caller or from a failed extraction,
        // and the extraction's outcome below tells those apart.
        if (await Task.WhenAny(extracting, download.Completion).ConfigureAwait(false) == download.Completion && download.Completion.IsFaulted)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await extracting.SettleAsync().ConfigureAwait(false);
            logger.Log(CacheLogLevel.Detail, "Stopped extracting the cache archive early: its download failed. The root was left as it was.");
            await download.Completion.ConfigureAwait(false);
        }

        try
        {
            var stats = await extracting.ConfigureAwait(false);
            // The extraction saw the end only after the download completed; this just collects it.
            await download.Completion.ConfigureAwait(false);
            return stats;
        }
        catch (Exception)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await download.Completion.SettleAsync().ConfigureAwait(false);
            // A cancelled read can surface in the extraction as a truncated archive: the cancellation is the cause.
            cancellationToken.ThrowIfCancellationRequested();
            if (download.Completion.Exception?.InnerException is { } downloadError)
            {
                // The extraction only saw the download's failure through the stream.
                ExceptionDispatchInfo.Throw(downloadError);
            }

            throw;
        }
    }

    private static Task<ArchiveStats> StartExtracting(
        GrowingArchiveReadStream input, string root, ExtractOptions options, GrowingArchiveDigest digest, CancellationTokenSource stop)
    {
        try
        {
            // A failed extraction cancels the download too, which ends a read waiting for bytes.
            return ArchiveExtractor.ExtractAsync(input, root, options, stop.Cancel, stop.Token, trailerFirst: input.EndIsReadable, arrivingDigest: digest);
        }
        catch (Exception e)
        {
            return Task.FromException<ArchiveStats>(e);
        }
    }
}
