using System.Buffers;
using Atmos.Cache.Errors;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Backends.Transfer;

/// <summary>
/// The file side of a parallel ranged download, shared by the backends: a pre-sized file whose
/// ranges land at their offsets in any order, each range's body copied through a small buffer, and a
/// range cut short reported as an <see cref="IOException"/> so the retry policy fetches it again.
/// </summary>
internal static class RangeFile
{
    private const int CopyBufferSize = 1 << 20;

    /// <summary>Creates (or truncates) <paramref name="path"/> at <paramref name="size"/> bytes.</summary>
    public static SafeFileHandle CreatePresized(string path, long size, FileShare share)
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

    /// <summary>
    /// Copies one range's body to the file at <paramref name="start"/>; exactly <paramref name="length"/>
    /// bytes must arrive. Bytes of a failed attempt are taken back from <paramref name="progress"/>.
    /// </summary>
    public static async Task CopyRangeAsync(Stream body, SafeFileHandle file, long start, long length, TransferProgress progress, string what, CancellationToken cancellationToken)
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
                    throw new CacheBackendException($"{what} failed: the storage service sent more bytes than the range holds.");
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
                throw new IOException($"{what}: the response ended after {received} of {length} bytes.");
            }
        }
        catch
        {
            // This range starts over (or the download fails): its bytes no longer count.
            progress.Remove(received);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Deletes a partial download; its owner cleans up too, so failures are ignored.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The caller's scratch file; its owner deletes it too.
        }
    }
}
