using System.Globalization;
using System.Net.Http.Headers;
using System.Net;
using System.Text;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Backends.Transfer;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Backends.Blob;

/// <summary>
/// Uploads a file to a block blob: one Put Blob when small, otherwise staged blocks sent in parallel
/// (each streamed from the file at its offset, so memory stays at parallelism × a small copy buffer,
/// whatever the block size) and committed with one Put Block List once every block was accepted.
/// With <paramref name="writeOnce"/> both writes carry <c>If-None-Match: *</c>, so a blob that
/// exists (another job saved the key) is never replaced: the upload then reports it was not written.
/// Block ids name the upload, so two jobs staging blocks for the same blob never mix their blocks.
/// </summary>
internal sealed class BlobUploader(BlobSender sender, RetryPolicy retry, TransferSettings transfer, SecretRedactor redactor, ICacheLogger logger, bool writeOnce = false)
{
    /// <summary>Block ids of one upload: a random tag of fixed length, then the block's index.</summary>
    private readonly string _uploadTag = Guid.NewGuid().ToString("N");

    public async Task<BlobUpload> UploadAsync(Uri blobUrl, string path, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        if (size < transfer.SingleShotLimit)
        {
            return await PutWholeAsync(blobUrl, path, size, cancellationToken).ConfigureAwait(false);
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
                await PutBlockAsync(blobUrl, file, blockIds[index], offset, length, token).ConfigureAwait(false);
                progress.Add(length);
            }).ConfigureAwait(false);
        }

        // Only reached when every block was accepted: commit them as the blob's content.
        var written = await PutBlockListAsync(blobUrl, blockIds, cancellationToken).ConfigureAwait(false);
        if (written)
        {
            logger.Log(CacheLogLevel.Detail, $"Uploaded {Sizes.Format(size)} in {blockCount} blocks.");
        }

        return new BlobUpload(written, size);
    }

    /// <summary>
    /// Uploads an archive while it is being written: each block goes up as soon as its byte range is
    /// in the file, and the blocks are committed only once writing completed and every block was
    /// accepted. A small finished archive goes up in one Put Blob instead.
    /// </summary>
    public async Task<BlobUpload> UploadAsync(Uri blobUrl, GrowingArchive archive, CancellationToken cancellationToken)
    {
        // Until the single-shot limit is reached the archive may still turn out small.
        await archive.WaitForAvailableAsync(transfer.SingleShotLimit, cancellationToken).ConfigureAwait(false);
        if (archive.Completion.IsCompletedSuccessfully && archive.Completion.Result < transfer.SingleShotLimit)
        {
            return await PutWholeAsync(blobUrl, archive.Path, archive.Completion.Result, cancellationToken).ConfigureAwait(false);
        }

        var blockIds = new List<string>();
        using (var file = File.OpenHandle(archive.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous))
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = transfer.UploadParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(AvailableBlocksAsync(archive, blockIds, cancellationToken), options, (block, token) =>
                new ValueTask(PutBlockAsync(blobUrl, file, block.Id, block.Offset, block.Length, token))).ConfigureAwait(false);
        }

        // Reached only when writing completed (the last block needs the final length) and every block was accepted.
        var size = await archive.Completion.ConfigureAwait(false);
        var written = await PutBlockListAsync(blobUrl, blockIds, cancellationToken).ConfigureAwait(false);
        if (written)
        {
            logger.Log(CacheLogLevel.Detail, $"Uploaded {Sizes.Format(size)} in {blockIds.Count} blocks while it was being written.");
        }

        return new BlobUpload(written, size);
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

    /// <summary>
    /// Block ids are base64 of equal-length strings, as Azure requires within one blob; the upload's
    /// tag keeps another upload's uncommitted blocks of the same blob out of this one's block list.
    /// </summary>
    internal string BlockId(int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{_uploadTag}-{index.ToString("D8", CultureInfo.InvariantCulture)}"));

    private async Task<BlobUpload> PutWholeAsync(Uri blobUrl, string path, long size, CancellationToken cancellationToken)
    {
        var written = await retry.ExecuteAsync("Uploading the cache archive", retry.Settings.TransferTimeout, async token =>
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            using var request = BlobRequests.Create(HttpMethod.Put, blobUrl);
            request.Headers.Add("x-ms-blob-type", "BlockBlob");
            AddWriteOnceCondition(request);
            request.Content = new StreamContent(stream, 1 << 16);
            request.Content.Headers.ContentLength = size;
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return await SendWriteAsync(request, blobUrl, "Uploading the cache archive", token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (written)
        {
            logger.Log(CacheLogLevel.Detail, $"Uploaded {Sizes.Format(size)} in one request.");
        }

        return new BlobUpload(written, size);
    }

    private async Task PutBlockAsync(Uri blobUrl, SafeFileHandle file, string blockId, long offset, int length, CancellationToken cancellationToken)
    {
        var md5 = await FileRangeContent.Md5Async(file, offset, length, cancellationToken).ConfigureAwait(false);
        var what = $"Uploading block at offset {offset}";
        await retry.ExecuteAsync(what, retry.Settings.TransferTimeout, async token =>
        {
            using var request = BlobRequests.Create(HttpMethod.Put, blobUrl, "comp=block&blockid=" + Uri.EscapeDataString(blockId));
            // Streamed from the file: a block in flight costs a small buffer, not its size.
            request.Content = new FileRangeContent(file, offset, length);
            request.Content.Headers.ContentLength = length;
            // The service checks the block against its MD5, so a corrupted block is refused rather than stored.
            request.Content.Headers.Add("Content-MD5", md5);
            using var response = await SendAsync(request, what, token).ConfigureAwait(false);
            await EnsureAcceptedAsync(response, HttpStatusCode.Created, what, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits the blocks; false when write-once found the blob written by someone else.</summary>
    private Task<bool> PutBlockListAsync(Uri blobUrl, IReadOnlyList<string> blockIds, CancellationToken cancellationToken)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in blockIds)
        {
            xml.Append("<Latest>").Append(id).Append("</Latest>");
        }

        var body = xml.Append("</BlockList>").ToString();
        return retry.ExecuteAsync("Committing the uploaded blocks", retry.Settings.RequestTimeout, async token =>
        {
            using var request = BlobRequests.Create(HttpMethod.Put, blobUrl, "comp=blocklist");
            AddWriteOnceCondition(request);
            request.Content = new StringContent(body, Encoding.UTF8, "application/xml");
            return await SendWriteAsync(request, blobUrl, "Committing the uploaded blocks", token).ConfigureAwait(false);
        }, cancellationToken);
    }

    private void AddWriteOnceCondition(HttpRequestMessage request)
    {
        if (writeOnce)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        }
    }

    /// <summary>Sends a write that creates the blob: true when written, false when write-once found it taken.</summary>
    private async Task<bool> SendWriteAsync(HttpRequestMessage request, Uri blobUrl, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, what, cancellationToken).ConfigureAwait(false);
        if (writeOnce && IsTaken(response))
        {
            return false;
        }

        // The blob was committed by another upload between our blocks and our list: its commit dropped our blocks.
        if (writeOnce && response.StatusCode == HttpStatusCode.BadRequest && BlobRequests.ErrorCode(response) == "InvalidBlockList"
            && await ExistsAsync(blobUrl, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await EnsureAcceptedAsync(response, HttpStatusCode.Created, what, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>412 (the condition failed) or 409 <c>BlobAlreadyExists</c>: the name is taken.</summary>
    private static bool IsTaken(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.PreconditionFailed
        || (response.StatusCode == HttpStatusCode.Conflict && BlobRequests.ErrorCode(response) == "BlobAlreadyExists");

    private async Task<bool> ExistsAsync(Uri blobUrl, CancellationToken cancellationToken)
    {
        using var request = BlobRequests.Create(HttpMethod.Head, blobUrl);
        using var response = await SendAsync(request, "Checking whether the blob exists", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Sends a request; a transient answer becomes a retryable failure.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        var response = await sender.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await HttpResponses.ThrowIfTransientAsync(response, what, redactor, cancellationToken).ConfigureAwait(false);
        return response;
    }

    private async Task EnsureAcceptedAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode == expected || response.StatusCode == HttpStatusCode.OK)
        {
            return;
        }

        throw new CacheBackendException(redactor.Redact(
            $"{what} was refused by blob storage: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{await BlobRefusal.DetailAsync(response, cancellationToken).ConfigureAwait(false)}. {sender.RefusalAdvice}"));
    }
}

/// <summary>What an upload did: whether it wrote the blob (false: write-once found it taken) and the archive's length.</summary>
internal sealed record BlobUpload(bool Written, long Size);
