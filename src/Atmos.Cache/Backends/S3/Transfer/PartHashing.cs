using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Backends.S3.Transfer;

/// <summary>
/// The SHA-256 of a byte range of a file, read in small pieces: each part is signed with its real
/// payload hash (so the service checks every byte it stores) without holding the part in memory.
/// </summary>
internal static class PartHashing
{
    private const int BufferSize = 256 * 1024;

    public static async Task<string> Sha256HexAsync(SafeFileHandle file, long offset, long length, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(BufferSize, Math.Max(length, 1)));
        try
        {
            long done = 0;
            while (done < length)
            {
                var n = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), offset + done, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new Errors.CacheArchiveException($"The archive ended at {offset + done} bytes while being uploaded; it changed during the save.");
                }

                sha.AppendData(buffer, 0, n);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }
}
