using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.Blob;
using Atmos.Cache.Backends.S3.Http;
using Atmos.Cache.Backends.Transfer;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Backends.S3.Transfer;

/// <summary>
/// Writes an archive as one object, only if the name is free: one conditional PutObject when small,
/// otherwise a multipart upload whose parts go up in parallel (each streamed from the file at its
/// offset and signed with its SHA-256) and a conditional CompleteMultipartUpload once every part
/// was accepted. An upload that fails or finds the name taken is aborted, so no parts are left.
/// </summary>
internal sealed class S3Uploader(S3Client client, TransferSettings transfer, ICacheLogger logger)
{
    private const int MaxParts = 10_000;

    /// <summary>Uploads a finished file. False when an object with the name exists.</summary>
    public async Task<bool> UploadAsync(string objectKey, string path, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        if (size < transfer.SingleShotLimit)
        {
            return await PutWholeAsync(objectKey, file, size, cancellationToken).ConfigureAwait(false);
        }

        var progress = new TransferProgress("Uploading cache archive", size, logger, size >= transfer.ProgressMinimumBytes);
        return await MultipartAsync(objectKey, file, FixedParts(size), () => Task.FromResult(size), progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads an archive while it is written: each part goes up once its range is in the file; the
    /// upload completes only after writing completed and every part was accepted. A small finished
    /// archive goes up in one PutObject. False when an object with the name exists.
    /// </summary>
    public async Task<bool> UploadAsync(string objectKey, GrowingArchive archive, CancellationToken cancellationToken)
    {
        await archive.WaitForAvailableAsync(transfer.SingleShotLimit, cancellationToken).ConfigureAwait(false);
        using var file = File.OpenHandle(archive.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);
        if (archive.Completion.IsCompletedSuccessfully && archive.Completion.Result < transfer.SingleShotLimit)
        {
            return await PutWholeAsync(objectKey, file, archive.Completion.Result, cancellationToken).ConfigureAwait(false);
        }

        // The final size is unknown while writing, so no percentages: the save's own summary line follows.
        var progress = new TransferProgress("Uploading cache archive", 0, logger, enabled: false);
        return await MultipartAsync(objectKey, file, AvailablePartsAsync(archive, cancellationToken), () => archive.Completion, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> PutWholeAsync(string objectKey, SafeFileHandle file, long size, CancellationToken cancellationToken)
    {
        var hash = await PartHashing.Sha256HexAsync(file, 0, size, cancellationToken).ConfigureAwait(false);
        var written = await client.PutObjectIfAbsentAsync(objectKey, () => new FileRangeContent(file, 0, size), hash, cancellationToken).ConfigureAwait(false);
        if (written)
        {
            logger.Log(CacheLogLevel.Detail, $"Uploaded {Sizes.Format(size)} in one request.");
        }

        return written;
    }

    private async Task<bool> MultipartAsync(
        string objectKey, SafeFileHandle file, IAsyncEnumerable<FilePart> parts, Func<Task<long>> finalSize, TransferProgress progress, CancellationToken cancellationToken)
    {
        var uploadId = await client.CreateMultipartUploadAsync(objectKey, cancellationToken).ConfigureAwait(false);
        var completed = false;
        try
        {
            var etags = new string?[MaxParts];
            var count = 0;
            var options = new ParallelOptions { MaxDegreeOfParallelism = transfer.UploadParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(parts, options, async (part, token) =>
            {
                var hash = await PartHashing.Sha256HexAsync(file, part.Offset, part.Length, token).ConfigureAwait(false);
                etags[part.Index] = await client.UploadPartAsync(objectKey, uploadId, part.Index + 1, () => new FileRangeContent(file, part.Offset, part.Length), hash, token).ConfigureAwait(false);
                progress.Add(part.Length);
                InterlockedMax(ref count, part.Index + 1);
            }).ConfigureAwait(false);

            // Reached only when writing completed (the last part needs the final length) and every part was accepted.
            var size = await finalSize().ConfigureAwait(false);
            var list = etags.Take(count).Select((etag, index) => etag ?? throw new CacheBackendException($"Part {index + 1} of '{objectKey}' has no ETag.")).ToList();
            completed = await client.CompleteMultipartUploadIfAbsentAsync(objectKey, uploadId, list, cancellationToken).ConfigureAwait(false);
            if (completed)
            {
                logger.Log(CacheLogLevel.Detail, $"Uploaded {Sizes.Format(size)} in {list.Count} parts.");
            }

            return completed;
        }
        finally
        {
            if (!completed)
            {
                await AbortQuietlyAsync(objectKey, uploadId).ConfigureAwait(false);
            }
        }
    }

    private async Task AbortQuietlyAsync(string objectKey, string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled save still drops its parts (bounded by its own timeout).
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.AbortMultipartUploadAsync(objectKey, uploadId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CacheException or OperationCanceledException or HttpRequestException or IOException)
        {
            logger.Log(CacheLogLevel.Detail, $"Could not abort the multipart upload of '{objectKey}' ({e.Message}); a bucket lifecycle rule for incomplete uploads removes its parts.");
        }
    }

    /// <summary>The parts of the growing archive in order, each yielded once its whole range is in the file.</summary>
    private async IAsyncEnumerable<FilePart> AvailablePartsAsync(GrowingArchive archive, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var index = 0; ; index++)
        {
            var offset = (long)index * transfer.BlockSize;
            var available = await archive.WaitForAvailableAsync(offset + transfer.BlockSize, cancellationToken).ConfigureAwait(false);
            var length = Math.Min(transfer.BlockSize, available - offset);
            if (length <= 0)
            {
                yield break;
            }

            if (index >= MaxParts)
            {
                throw new CacheBackendException($"The archive needs more than {MaxParts} parts of {Sizes.Format(transfer.BlockSize)}; raise the part size.");
            }

            yield return new FilePart(index, offset, length);
        }
    }

    /// <summary>The parts of a finished file.</summary>
    private async IAsyncEnumerable<FilePart> FixedParts(long size)
    {
        var count = (size + transfer.BlockSize - 1) / transfer.BlockSize;
        if (count > MaxParts)
        {
            throw new CacheBackendException($"The archive ({Sizes.Format(size)}) needs more than {MaxParts} parts of {Sizes.Format(transfer.BlockSize)}; raise the part size.");
        }

        for (var index = 0; index < count; index++)
        {
            var offset = (long)index * transfer.BlockSize;
            yield return new FilePart(index, offset, Math.Min(transfer.BlockSize, size - offset));
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private sealed record FilePart(int Index, long Offset, long Length);
}
