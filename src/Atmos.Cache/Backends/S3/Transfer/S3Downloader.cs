using System.Buffers;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Blob;
using Atmos.Cache.Backends.S3.Http;
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
    private const int CopyBufferSize = 1 << 20;

    public async Task DownloadAsync(string objectKey, long size, string destinationPath, CancellationToken cancellationToken)
    {
        try
        {
            using var file = CreateFile(destinationPath, size, FileShare.None);
            await DownloadRangesAsync(objectKey, file, size, prefix: null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            TryDelete(destinationPath);
            throw;
        }
    }

    /// <summary>Creates the pre-sized file and returns the running download and the archive that follows it.</summary>
    public (GrowingArchive Archive, Task Download) Start(string objectKey, long size, string destinationPath, CancellationToken cancellationToken)
    {
        var file = CreateFile(destinationPath, size, FileShare.Read | FileShare.Delete);
        var archive = new GrowingArchive(destinationPath);
        var download = Task.Run(async () =>
        {
            try
            {
                using (file)
                {
                    await DownloadRangesAsync(objectKey, file, size, new ContiguousPrefixTracker(archive), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                archive.Fail(e);
                throw;
            }

            // Last, after the file is released: a reader that saw the end saw a finished download.
            archive.Complete(size);
        }, CancellationToken.None);
        return (archive, download);
    }

    private async Task DownloadRangesAsync(string objectKey, SafeFileHandle file, long size, ContiguousPrefixTracker? prefix, CancellationToken cancellationToken)
    {
        var rangeCount = (int)((size + transfer.RangeSize - 1) / transfer.RangeSize);
        var progress = new TransferProgress("Downloading cache archive", size, logger, size >= transfer.ProgressMinimumBytes);
        var options = new ParallelOptions { MaxDegreeOfParallelism = transfer.DownloadParallelism, CancellationToken = cancellationToken };
        // Ranges start in ascending order, so the published prefix grows steadily.
        await Parallel.ForEachAsync(Enumerable.Range(0, rangeCount), options, async (index, token) =>
        {
            var start = (long)index * transfer.RangeSize;
            var length = Math.Min(transfer.RangeSize, size - start);
            await client.GetRangeAsync(objectKey, start, start + length - 1, async (response, attempt) =>
            {
                await using var body = await response.Content.ReadAsStreamAsync(attempt).ConfigureAwait(false);
                await CopyToFileAsync(body, file, start, length, progress, attempt).ConfigureAwait(false);
                return true;
            }, token).ConfigureAwait(false);
            prefix?.CompleteRange(start, length);
        }).ConfigureAwait(false);

        if (progress.Done != size || RandomAccess.GetLength(file) != size)
        {
            throw new CacheBackendException($"The download of '{objectKey}' received {progress.Done} of {size} bytes.");
        }

        logger.Log(CacheLogLevel.Detail, $"Downloaded {Sizes.Format(size)} in {rangeCount} ranges.");
    }

    private static async Task CopyToFileAsync(Stream body, SafeFileHandle file, long start, long length, TransferProgress progress, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        long received = 0;
        try
        {
            while (true)
            {
                var n = await body.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                if (received + n > length)
                {
                    throw new CacheBackendException($"S3 sent more bytes than the range at {start} holds.");
                }

                try
                {
                    await RandomAccess.WriteAsync(file, buffer.AsMemory(0, n), start + received, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    // Not a network failure: retrying will not free disk space.
                    throw new CacheBackendException($"Writing the downloaded cache archive to disk failed: {e.Message}");
                }

                received += n;
                progress.Add(n);
            }

            if (received != length)
            {
                // Retried: the connection ended before the whole range arrived.
                throw new IOException($"The range at {start} ended after {received} of {length} bytes.");
            }
        }
        catch
        {
            progress.Remove(received);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static SafeFileHandle CreateFile(string path, long size, FileShare share)
    {
        var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, share, FileOptions.Asynchronous);
        try
        {
            RandomAccess.SetLength(file, size);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The caller's scratch file; its owner cleans up too.
        }
    }
}
