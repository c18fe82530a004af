using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.S3.Http;
using Atmos.Cache.Backends.Transfer;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Backends.S3.Transfer;

/// <summary>
/// Downloads an object of known size to a pre-sized file through parallel ranged GETs, each written
/// at its offset and retried on its own when cut short. Started as a stream, it publishes the
/// contiguous prefix of whole ranges, so the extraction follows the download.
/// </summary>
internal sealed class S3Downloader(S3Client client, TransferSettings transfer, ICacheLogger logger)
{
    public async Task DownloadAsync(string objectKey, long size, string destinationPath, CancellationToken cancellationToken)
    {
        try
        {
            using var file = RangeFile.CreatePresized(destinationPath, size, FileShare.None);
            await DownloadRangesAsync(objectKey, file, size, prefix: null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            RangeFile.TryDelete(destinationPath);
            throw;
        }
    }

    /// <summary>Creates the pre-sized file and returns the running download and the archive that follows it.</summary>
    public (GrowingArchive Archive, Task Download) Start(string objectKey, long size, string destinationPath, CancellationToken cancellationToken) =>
        GrowingDownload.Start(destinationPath, size, tail: null, (file, prefix, token) => DownloadRangesAsync(objectKey, file, size, prefix, token), cancellationToken);

    private async Task DownloadRangesAsync(string objectKey, SafeFileHandle file, long size, ContiguousPrefixTracker? prefix, CancellationToken cancellationToken)
    {
        var (rangeCount, received) = await RangedDownload.RunAsync(size, transfer, logger, prefix, (start, length, progress, token) =>
            client.GetRangeAsync(objectKey, start, start + length - 1, async (response, attempt) =>
            {
                await using var body = await response.Content.ReadAsStreamAsync(attempt).ConfigureAwait(false);
                await RangeFile.CopyRangeAsync(body, file, start, length, progress, $"Downloading bytes {start}-{start + length - 1}", attempt).ConfigureAwait(false);
                return true;
            }, token), cancellationToken).ConfigureAwait(false);

        if (received != size || RandomAccess.GetLength(file) != size)
        {
            throw new CacheBackendException($"The download of '{objectKey}' received {received} of {size} bytes.");
        }

        logger.Log(CacheLogLevel.Detail, $"Downloaded {Sizes.Format(size)} in {rangeCount} ranges.");
    }
}
