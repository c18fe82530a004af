using Atmos.Cache.Archiving;
using Atmos.Cache.Backends;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Streaming;

namespace Atmos.Cache.Operations;

/// <summary>
/// Writes the archive and lets a streaming backend store it at the same time. Whichever side fails
/// first stops the other: a writing failure cancels the upload (which then never finalizes) and is
/// the error thrown; an upload failure (an existing entry included) cancels the writing and is the
/// error thrown.
/// </summary>
internal sealed class StreamingSave(IStreamingSaveBackend backend, ICacheLogger logger)
{
    private const int FileBufferSize = 1 << 20;

    public async Task<ArchiveStats> RunAsync(
        string root, string key, string version, string archivePath, ArchiveWriteOptions options, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var growing = new GrowingArchive(archivePath);
        await using var file = new FileStream(archivePath, FileMode.Create, FileAccess.Write, FileShare.Read, FileBufferSize);
        var output = new PublishingArchiveStream(file, growing);

        // Started before the writing so the reservation (and an existing key) is learned early.
        var upload = Task.Run(() => backend.SaveAsync(key, version, growing, stop.Token), CancellationToken.None);
        var writing = StartWriting(root, output, options, stop.Token);

        if (await Task.WhenAny(writing, upload).ConfigureAwait(false) == upload && !upload.IsCompletedSuccessfully)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await writing.SettleAsync().ConfigureAwait(false);
            growing.Fail(new OperationCanceledException("The upload stopped before the archive was complete."));
            // A cancellation may surface as cancelled or as faulted (thrown on a read-ahead thread).
            if (!writing.IsCompletedSuccessfully)
            {
                logger.Log(CacheLogLevel.Detail, "Stopped writing the cache archive early: the upload ended first.");
            }

            await upload.ConfigureAwait(false);
        }

        ArchiveStats stats;
        try
        {
            stats = await writing.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            growing.Fail(e);
            await stop.CancelAsync().ConfigureAwait(false);
            await upload.SettleAsync().ConfigureAwait(false);
            throw;
        }

        growing.Complete(stats.ArchiveBytes);
        await upload.ConfigureAwait(false);
        return stats;
    }

    private static Task<ArchiveStats> StartWriting(string root, Stream output, ArchiveWriteOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return ArchiveWriter.WriteAsync(root, output, options, cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<ArchiveStats>(e);
        }
    }
}
