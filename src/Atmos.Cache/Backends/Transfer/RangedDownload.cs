using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Streaming;

namespace Atmos.Cache.Backends.Transfer;

/// <summary>
/// The loop of a parallel ranged download, shared by the backends: ranges of
/// <see cref="TransferSettings.RangeSize"/>, at most <see cref="TransferSettings.DownloadParallelism"/>
/// in flight, progress logged for large archives, and each whole range published to the growing
/// archive's prefix as it lands. How a range is fetched and what a short download means stay with
/// the backend.
/// </summary>
internal static class RangedDownload
{
    /// <summary>A range to fetch into the file: its start, its length, and the progress to count it on.</summary>
    public delegate Task RangeFetcher(long start, long length, TransferProgress progress, CancellationToken cancellationToken);

    /// <returns>The number of ranges and the bytes the fetchers counted.</returns>
    public static async Task<(int Ranges, long Received)> RunAsync(
        long size, TransferSettings transfer, ICacheLogger logger, ContiguousPrefixTracker? prefix, RangeFetcher fetch, CancellationToken cancellationToken)
    {
        var rangeCount = (int)((size + transfer.RangeSize - 1) / transfer.RangeSize);
        var progress = new TransferProgress("Downloading cache archive", size, logger, size >= transfer.ProgressMinimumBytes);
        var options = new ParallelOptions { MaxDegreeOfParallelism = transfer.DownloadParallelism, CancellationToken = cancellationToken };
        // Ranges start in ascending order (the loop takes them in sequence), so the prefix grows steadily.
        await Parallel.ForEachAsync(Enumerable.Range(0, rangeCount), options, async (index, token) =>
        {
            var start = (long)index * transfer.RangeSize;
            var length = Math.Min(transfer.RangeSize, size - start);
            await fetch(start, length, progress, token).ConfigureAwait(false);
            prefix?.CompleteRange(start, length);
        }).ConfigureAwait(false);
        return (rangeCount, progress.Done);
    }
}
