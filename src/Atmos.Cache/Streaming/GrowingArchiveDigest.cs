using System.Buffers;
using System.Security.Cryptography;
using Atmos.Cache.Archiving.Integrity;
using Atmos.Cache.Errors;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Streaming;

/// <summary>
/// The v2 digest of an archive that is still downloading: a task of its own hashes the archive's
/// prefix as the download publishes it (reading back bytes just written, so from the page cache),
/// so the digest's CPU overlaps the transfer and is ready when the last byte lands. Until the
/// extraction knows where the trailer starts, it stays <c>holdBack</c> bytes short of the end
/// (the longest trailer a reader accepts), so no trailer byte is ever hashed.
/// </summary>
internal sealed class GrowingArchiveDigest : IArrivingDigest, IDisposable
{
    private const int BufferSize = 1 << 20;
    private const long Abandoned = -1;

    private readonly GrowingArchive _archive;
    private readonly long _length;
    private readonly long _holdBack;
    private readonly CancellationTokenSource _stop;
    private readonly TaskCompletionSource<long> _dataLength = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<byte[]?> _hashing;

    private GrowingArchiveDigest(GrowingArchive archive, long length, long holdBack, CancellationToken cancellationToken)
    {
        _archive = archive;
        _length = length;
        _holdBack = holdBack;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _hashing = Task.Run(() => HashAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Starts hashing <paramref name="archive"/>, which will be <paramref name="length"/> bytes long.</summary>
    public static GrowingArchiveDigest Start(GrowingArchive archive, long length, long holdBack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(holdBack);
        return new GrowingArchiveDigest(archive, length, holdBack, cancellationToken);
    }

    public void Cover(long dataLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dataLength, _length);
        _dataLength.TrySetResult(dataLength);
    }

    public void Abandon()
    {
        _dataLength.TrySetResult(Abandoned);
        _stop.Cancel();
    }

    public byte[] Finish(long dataLength, CancellationToken cancellationToken)
    {
        Cover(dataLength);
        // The extraction's own thread: blocking here holds no one else up.
        var digest = _hashing.WaitAsync(cancellationToken).GetAwaiter().GetResult();
        if (digest is null || _dataLength.Task.Result != dataLength)
        {
            throw new CacheArchiveException("The cache archive's trailer changed while it was being downloaded. It was not restored; run the restore again.");
        }

        return digest;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _hashing.Wait(CancellationToken.None);
        }
        catch (AggregateException)
        {
            // Stopped, or the download failed: the extraction reports what matters.
        }

        _stop.Dispose();
    }

    private async Task<byte[]?> HashAsync(CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(_archive.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long hashed = 0;
            while (true)
            {
                var limit = Limit();
                if (limit == Abandoned)
                {
                    return null;
                }

                if (hashed < limit)
                {
                    var available = await _archive.WaitForAvailableAsync(hashed + 1, cancellationToken).ConfigureAwait(false);
                    // Read again: the trailer may have become known while this waited.
                    var end = Math.Min(available, Limit());
                    if (end <= hashed)
                    {
                        throw new CacheBackendException($"The cache archive ended after {available} bytes, before its trailer.");
                    }

                    Hash(file, hash, buffer, hashed, end, cancellationToken);
                    hashed = end;
                }
                else if (_dataLength.Task.IsCompleted)
                {
                    // A hold-back shorter than the trailer would have hashed trailer bytes: refuse rather than guess.
                    return hashed == limit ? hash.GetHashAndReset() : null;
                }
                else
                {
                    // All that can be hashed before the trailer is known is hashed.
                    await _dataLength.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>How far hashing may go now: the data's end once known, else the end less the hold-back.</summary>
    private long Limit() => _dataLength.Task.IsCompleted ? _dataLength.Task.Result : Math.Max(0, _length - _holdBack);

    private static void Hash(SafeFileHandle file, IncrementalHash hash, byte[] buffer, long from, long to, CancellationToken cancellationToken)
    {
        for (var at = from; at < to;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - at)), at);
            if (n == 0)
            {
                throw new CacheBackendException($"The downloaded cache archive is shorter than the {to} bytes already published.");
            }

            hash.AppendData(buffer, 0, n);
            at += n;
        }
    }
}
