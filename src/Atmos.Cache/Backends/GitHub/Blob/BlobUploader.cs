using System.Globalization;
using System.Net.Http.Headers;
using System.Net;
using System.Text;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Backends.Transfer;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Backends.GitHub.Blob;

/// <summary>
/// Uploads a file to a signed block-blob URL: one Put Blob when small, otherwise staged blocks
/// sent in parallel (each streamed from the file at its offset, so memory stays at parallelism ×
/// a small copy buffer, whatever the block size) and committed with one Put Block List once every
/// block was accepted.
/// </summary>
internal sealed class BlobUploader(HttpClient http, RetryPolicy retry, TransferSettings transfer, SecretRedactor redactor, ICacheLogger logger)
{
    public async Task UploadAsync(Uri signedUrl, string path, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        if (size < transfer.SingleShotLimit)
        {
            await PutBlobAsync(signedUrl, path, size, cancellationToken).ConfigureAwait(false);
            logger.Log(CacheLogLevel.Detail, $"Uploaded {Sizes.Format(size)} in one request.");
            return;
        }

        var blockCount = checked((int)((size + transfer.BlockSize - 1) / transfer.BlockSize));
        var blockIds = Enumerable.Range(0, blockCount).Select(BlockId).ToArray();
        var progress = new TransferProgress("Uploading cache archive", size, logger, size >= transfer.ProgressMinimumBytes);
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous))
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = transfer.UploadParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, blockCount), options, async (index, token) =>
            {
                var offset = (long)index * transfer.BlockSize;
                var length = (int)Math.Min(transfer.BlockSize, size - offset);
                await PutBlockAsync(signedUrl, file, blockIds[index], offset, length, token).ConfigureAwait(false);
                progress.Add(length);
            }).ConfigureAwait(false);
        }

        // Only reached when every block was accepted: commit them as the blob's content.
        await PutBlockListAsync(signedUrl, blockIds, cancellationToken).ConfigureAwait(false);
        logger.Log(CacheLogLevel.Detail, $"Uploaded {Sizes.Format(size)} in {blockCount} blocks.");
    }

    /// <summary>
    /// Uploads an archive while it is being written: each block goes up as soon as its byte range is
    /// in the file, and the blocks are committed only once writing completed and every block was
    /// accepted. A small finished archive goes up in one Put Blob instead. Returns the final length.
    /// </summary>
    public async Task<long> UploadAsync(Uri signedUrl, GrowingArchive archive, CancellationToken cancellationToken)
    {
        // Until the single-shot limit is reached the archive may still turn out small.
        await archive.WaitForAvailableAsync(transfer.SingleShotLimit, cancellationToken).ConfigureAwait(false);
        if (archive.Completion.IsCompletedSuccessfully && archive.Completion.Result < transfer.SingleShotLimit)
        {
            var small = archive.Completion.Result;
            await PutBlobAsync(signedUrl, archive.Path, small, cancellationToken).ConfigureAwait(false);
            logger.Log(CacheLogLevel.Detail, $"Uploaded {Sizes.Format(small)} in one request.");
            return small;
        }

        var blockIds = new List<string>();
        using (var file = File.OpenHandle(archive.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous))
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = transfer.UploadParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(AvailableBlocksAsync(archive, blockIds, cancellationToken), options, (block, token) =>
                new ValueTask(PutBlockAsync(signedUrl, file, block.Id, block.Offset, block.Length, token))).ConfigureAwait(false);
        }

        // Reached only when writing completed (the last block needs the final length) and every block was accepted.
        var size = await archive.Completion.ConfigureAwait(false);
        await PutBlockListAsync(signedUrl, blockIds, cancellationToken).ConfigureAwait(false);
        logger.Log(CacheLogLevel.Detail, $"Uploaded {Sizes.Format(size)} in {blockIds.Count} blocks while it was being written.");
        return size;
    }

    /// <summary>The blocks of the archive in order, each yielded once its whole range is in the file.</summary>
    private async IAsyncEnumerable<StagedBlock> AvailableBlocksAsync(
        GrowingArchive archive, List<string> blockIds, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var index = 0; ; index++)
        {
            var offset = (long)index * transfer.BlockSize;
            // Returns less than a whole block only when writing is complete: then this is the last one.
            var available = await archive.WaitForAvailableAsync(offset + transfer.BlockSize, cancellationToken).ConfigureAwait(false);
            var length = (int)Math.Min(transfer.BlockSize, available - offset);
            if (length <= 0)
            {
                yield break;
            }

            var id = BlockId(index);
            blockIds.Add(id);
            yield return new StagedBlock(id, offset, length);
        }
    }

    private sealed record StagedBlock(string Id, long Offset, int Length);

    /// <summary>Block ids are base64 of equal-length strings, as Azure requires within one blob.</summary>
    internal static string BlockId(int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"block-{index.ToString("D8", CultureInfo.InvariantCulture)}"));

    private Task PutBlobAsync(Uri signedUrl, string path, long size, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("Uploading the cache archive", retry.Settings.TransferTimeout, async token =>
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            using var request = BlobRequests.Create(HttpMethod.Put, signedUrl);
            request.Headers.Add("x-ms-blob-type", "BlockBlob");
            request.Content = new StreamContent(stream, 1 << 16);
            request.Content.Headers.ContentLength = size;
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            await SendExpectingAsync(request, HttpStatusCode.Created, "Uploading the cache archive", token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private async Task PutBlockAsync(Uri signedUrl, SafeFileHandle file, string blockId, long offset, int length, CancellationToken cancellationToken)
    {
        var md5 = await FileRangeContent.Md5Async(file, offset, length, cancellationToken).ConfigureAwait(false);
        var what = $"Uploading block at offset {offset}";
        await retry.ExecuteAsync(what, retry.Settings.TransferTimeout, async token =>
        {
            using var request = BlobRequests.Create(HttpMethod.Put, signedUrl, "comp=block&blockid=" + Uri.EscapeDataString(blockId));
            // Streamed from the file: a block in flight costs a small buffer, not its size.
            request.Content = new FileRangeContent(file, offset, length);
            request.Content.Headers.ContentLength = length;
            // The service checks the block against its MD5, so a corrupted block is refused rather than stored.
            request.Content.Headers.Add("Content-MD5", md5);
            await SendExpectingAsync(request, HttpStatusCode.Created, what, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task PutBlockListAsync(Uri signedUrl, IReadOnlyList<string> blockIds, CancellationToken cancellationToken)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in blockIds)
        {
            xml.Append("<Latest>").Append(id).Append("</Latest>");
        }

        var body = xml.Append("</BlockList>").ToString();
        return retry.ExecuteAsync("Committing the uploaded blocks", retry.Settings.RequestTimeout, async token =>
        {
            using var request = BlobRequests.Create(HttpMethod.Put, signedUrl, "comp=blocklist");
            request.Content = new StringContent(body, Encoding.UTF8, "application/xml");
            await SendExpectingAsync(request, HttpStatusCode.Created, "Committing the uploaded blocks", token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    private async Task SendExpectingAsync(HttpRequestMessage request, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await HttpResponses.ThrowIfTransientAsync(response, what, redactor, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            if (response.StatusCode == expected || response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            var body = await HttpResponses.ReadBodySnippetAsync(response, cancellationToken).ConfigureAwait(false);
            throw new CacheBackendException(redactor.Redact(
                $"{what} was refused by blob storage: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{HttpResponses.Suffix(body)}. " +
                "The signed upload URL may have expired; run the save again."));
        }
    }

}
