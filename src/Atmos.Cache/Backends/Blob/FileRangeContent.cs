using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Atmos.Cache.Errors;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Backends.Blob;

/// <summary>
/// A request body that streams one byte range of an open file, so a staged block never sits in
/// memory whole: each block in flight costs one small copy buffer instead of the block's size.
/// The range is read again for each attempt (from the page cache).
/// </summary>
internal sealed class FileRangeContent(SafeFileHandle file, long offset, long length) : HttpContent
{
    private const int BufferSize = 256 * 1024;

    /// <summary>The MD5 of the range, base64 (the Content-MD5 that blob storage checks the block against).</summary>
    public static async Task<string> Md5Async(SafeFileHandle file, long offset, long length, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        await ForEachPieceAsync(file, offset, length, piece =>
        {
            md5.AppendData(piece.Span);
            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return Convert.ToBase64String(md5.GetHashAndReset());
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        ForEachPieceAsync(file, offset, length, piece => stream.WriteAsync(piece, cancellationToken), cancellationToken);

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }

    private static async Task ForEachPieceAsync(
        SafeFileHandle file, long offset, long length, Func<ReadOnlyMemory<byte>, ValueTask> use, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(BufferSize, Math.Max(length, 1)));
        try
        {
            long done = 0;
            while (done < length)
            {
                var want = (int)Math.Min(buffer.Length, length - done);
                var n = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, want), offset + done, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new CacheArchiveException($"The archive ended at {offset + done} bytes while being uploaded; it changed during the save.");
                }

                await use(buffer.AsMemory(0, n)).ConfigureAwait(false);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
