using System.Globalization;
using System.Net;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Backends.Transfer;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Backends.Blob;

/// <summary>
/// Downloads a blob to a file: learns the size (unless known), pre-sizes the file, fetches ranges in
/// parallel and writes each at its offset. Every range must arrive whole (a range cut short is
/// fetched again on its own); anything less fails the download rather than leaving a short file.
/// Started as a stream, it publishes the contiguous prefix of whole ranges so a reader can follow it.
/// </summary>
internal sealed class BlobDownloader(BlobSender sender, RetryPolicy retry, TransferSettings transfer, SecretRedactor redactor, ICacheLogger logger)
{
    /// <summary>
    /// How much of a large archive's end a streaming download fetches first: the trailer (a gzip
    /// chunk index takes 14 bytes per 2 MiB of content) and the gzip member's end, so the extraction
    /// can inflate chunks on every core while the rest arrives.
    /// </summary>
    private const int TailLength = 256 * 1024;

    /// <summary>Below this the tail is not fetched ahead: the inflation it would parallelize is short, the extra request is not.</summary>
    private const long TailFirstMinimum = 32L << 20;

    /// <summary>Writes the blob to <paramref name="destinationPath"/> and returns its size in bytes.</summary>
    public async Task<long> DownloadAsync(Uri signedUrl, string destinationPath, CancellationToken cancellationToken)
    {
        var size = await GetSizeAsync(signedUrl, cancellationToken).ConfigureAwait(false);
        await DownloadAsync(signedUrl, size, destinationPath, cancellationToken).ConfigureAwait(false);
        return size;
    }

    /// <summary>Writes the blob of known <paramref name="size"/> to <paramref name="destinationPath"/>.</summary>
    public async Task DownloadAsync(Uri signedUrl, long size, string destinationPath, CancellationToken cancellationToken)
    {
        try
        {
            using var file = RangeFile.CreatePresized(destinationPath, size, FileShare.None);
            await DownloadRangesAsync(signedUrl, file, size, prefix: null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            RangeFile.TryDelete(destinationPath);
            throw;
        }
    }

    /// <summary>
    /// Learns the blob's size, creates the pre-sized file at <paramref name="destinationPath"/> and
    /// returns with the download running: the archive follows the contiguous prefix written so far,
    /// completes with the size once every range arrived whole, and fails with the download's error.
    /// The file is left for its owner to delete.
    /// </summary>
    public async Task<StreamingDownloadStart> StartAsync(Uri signedUrl, string destinationPath, CancellationToken cancellationToken)
    {
        var size = await GetSizeAsync(signedUrl, cancellationToken).ConfigureAwait(false);
        return await StartAsync(signedUrl, size, destinationPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The same for a blob whose <paramref name="size"/> is already known (from a listing or its properties).</summary>
    public async Task<StreamingDownloadStart> StartAsync(Uri signedUrl, long size, string destinationPath, CancellationToken cancellationToken)
    {
        // An archive of one range arrives whole at once anyway: only a longer one gets its tail first.
        var tail = size > transfer.RangeSize && size >= TailFirstMinimum
            ? await DownloadTailAsync(signedUrl, size, (int)Math.Min(TailLength, size), cancellationToken).ConfigureAwait(false)
            : null;
        var (archive, download) = GrowingDownload.Start(
            destinationPath, size, tail, (file, prefix, token) => DownloadRangesAsync(signedUrl, file, size, prefix, token), cancellationToken);
        return new StreamingDownloadStart(size, archive, download);
    }

    private async Task DownloadRangesAsync(Uri signedUrl, SafeFileHandle file, long size, ContiguousPrefixTracker? prefix, CancellationToken cancellationToken)
    {
        var (rangeCount, received) = await RangedDownload.RunAsync(
            size, transfer, logger, prefix, (start, length, progress, token) => DownloadRangeAsync(signedUrl, file, start, length, size, progress, token), cancellationToken)
            .ConfigureAwait(false);

        if (received != size)
        {
            throw new CacheBackendException($"The download of the cache archive received {received} of {size} bytes.");
        }

        var written = RandomAccess.GetLength(file);
        if (written != size)
        {
            throw new CacheBackendException($"The downloaded cache archive has {written} bytes but blob storage reported {size}.");
        }

        logger.Log(CacheLogLevel.Detail, $"Downloaded {Sizes.Format(size)} in {rangeCount} ranges.");
    }

    private Task<long> GetSizeAsync(Uri signedUrl, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("Reading the cache archive's size", retry.Settings.RequestTimeout, async token =>
        {
            using var request = BlobRequests.Create(HttpMethod.Head, signedUrl);
            var response = await sender.SendAsync(request, token).ConfigureAwait(false);
            await HttpResponses.ThrowIfTransientAsync(response, "Reading the cache archive's size", redactor, token).ConfigureAwait(false);
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new CacheNotFoundException("The cache archive was deleted from storage before it could be downloaded.");
                }

                if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentLength is not { } length)
                {
                    throw new CacheBackendException(
                        $"Blob storage answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}{BlobRefusalCode(response)} when asked for the cache archive's size. {sender.RefusalAdvice}");
                }

                return length;
            }
        }, cancellationToken);

    private Task DownloadRangeAsync(Uri signedUrl, SafeFileHandle file, long start, long length, long size, TransferProgress progress, CancellationToken cancellationToken)
    {
        var end = start + length - 1;
        var what = $"Downloading bytes {start}-{end}";
        return retry.ExecuteAsync(what, retry.Settings.TransferTimeout, async token =>
        {
            using var request = BlobRequests.Create(HttpMethod.Get, signedUrl);
            request.Headers.Add("x-ms-range", $"bytes={start.ToString(CultureInfo.InvariantCulture)}-{end.ToString(CultureInfo.InvariantCulture)}");
            var response = await sender.SendAsync(request, token).ConfigureAwait(false);
            await HttpResponses.ThrowIfTransientAsync(response, what, redactor, token).ConfigureAwait(false);
            using (response)
            {
                EnsureRangeResponse(response, start, end, size, what);
                await using var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                await RangeFile.CopyRangeAsync(body, file, start, length, progress, what, token).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>The last <paramref name="length"/> bytes of the blob, in memory.</summary>
    private Task<byte[]> DownloadTailAsync(Uri signedUrl, long size, int length, CancellationToken cancellationToken)
    {
        var start = size - length;
        var end = size - 1;
        var what = $"Downloading the last {length} bytes";
        return retry.ExecuteAsync(what, retry.Settings.RequestTimeout, async token =>
        {
            using var request = BlobRequests.Create(HttpMethod.Get, signedUrl);
            request.Headers.Add("x-ms-range", $"bytes={start.ToString(CultureInfo.InvariantCulture)}-{end.ToString(CultureInfo.InvariantCulture)}");
            var response = await sender.SendAsync(request, token).ConfigureAwait(false);
            await HttpResponses.ThrowIfTransientAsync(response, what, redactor, token).ConfigureAwait(false);
            using (response)
            {
                EnsureRangeResponse(response, start, end, size, what);
                var tail = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                // Retried: the connection ended before the whole range arrived.
                return tail.Length == length ? tail : throw new IOException($"{what}: the response held {tail.Length} bytes.");
            }
        }, cancellationToken);
    }

    private static string BlobRefusalCode(HttpResponseMessage response) =>
        BlobRequests.ErrorCode(response) is { Length: > 0 } code ? $" ({code})" : "";

    private static void EnsureRangeResponse(HttpResponseMessage response, long start, long end, long size, string what)
    {
        var wholeBlob = start == 0 && end == size - 1;
        if (response.StatusCode == HttpStatusCode.OK && wholeBlob)
        {
            return;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new CacheNotFoundException("The cache archive was deleted from storage while it was being downloaded.");
        }

        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            throw new CacheBackendException($"{what} failed: blob storage answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}{BlobRefusalCode(response)}.");
        }

        var range = response.Content.Headers.ContentRange;
        if (range is null || range.From != start || range.To != end || (range.Length is { } total && total != size))
        {
            throw new CacheBackendException($"{what} failed: blob storage sent a different range ({range}); the archive changed while being downloaded.");
        }
    }
}

/// <summary>A download started by <c>BlobDownloader.StartAsync</c>: the size, the growing file, the transfer.</summary>
internal sealed record StreamingDownloadStart(long Size, GrowingArchive Archive, Task Download);
