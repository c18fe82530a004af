using System.Collections.Concurrent;

namespace Atmos.Cache.Emulator.Faults;

/// <summary>
/// Failures to inject, consumed one per matching request: Twirp answers with a given status,
/// block (and single-shot) uploads answered 500, downloads cut short mid-body, connections reset,
/// or the whole service down for good. Thread-safe; change it any time from tests or over HTTP.
/// </summary>
public sealed class FaultPlan
{
    private readonly ConcurrentQueue<InjectedStatus> _twirp = new();
    private readonly ConcurrentQueue<InjectedStatus> _rest = new();
    private int _blockUploadFailures;
    private int _putBlobFailures;
    private int _cutDownloads;
    private int _resets;
    private volatile bool _down;
    private volatile bool _denyWrites;
    private volatile bool _denyFinalize;

    /// <summary>A status (with an optional Retry-After in seconds) to answer a request with.</summary>
    public sealed record InjectedStatus(int Status, int? RetryAfterSeconds = null);

    /// <summary>Answer the next Twirp calls with these statuses, one each.</summary>
    public void FailTwirp(params InjectedStatus[] statuses)
    {
        foreach (var status in statuses)
        {
            _twirp.Enqueue(status);
        }
    }

    /// <summary>Answer the next REST calls with these statuses, one each.</summary>
    public void FailRest(params InjectedStatus[] statuses)
    {
        foreach (var status in statuses)
        {
            _rest.Enqueue(status);
        }
    }

    /// <summary>Answer the next <paramref name="count"/> Put Block requests with 500.</summary>
    public void FailBlockUploads(int count) => Interlocked.Add(ref _blockUploadFailures, count);

    /// <summary>Answer the next <paramref name="count"/> single-shot Put Blob requests with 500.</summary>
    public void FailPutBlobs(int count) => Interlocked.Add(ref _putBlobFailures, count);

    /// <summary>Send only half of the next <paramref name="count"/> blob GET bodies, then drop the connection.</summary>
    public void CutDownloads(int count) => Interlocked.Add(ref _cutDownloads, count);

    /// <summary>Drop the connection of the next <paramref name="count"/> requests of any kind.</summary>
    public void ResetConnections(int count) => Interlocked.Add(ref _resets, count);

    /// <summary>Answer every request with 503 from now on (or come back up).</summary>
    public bool Down { get => _down; set => _down = value; }

    /// <summary>
    /// Refuse CreateCacheEntry and FinalizeCacheEntryUpload as GitHub refuses writers it does not
    /// trust: HTTP 403, Twirp <c>permission_denied</c>, a message starting <c>cache write denied:</c>.
    /// </summary>
    public bool DenyWrites { get => _denyWrites; set => _denyWrites = value; }

    /// <summary>As <see cref="DenyWrites"/>, for FinalizeCacheEntryUpload only (the refusal comes after the upload).</summary>
    public bool DenyFinalize { get => _denyFinalize; set => _denyFinalize = value; }

    /// <summary>Forgets every pending fault and comes back up.</summary>
    public void Clear()
    {
        _twirp.Clear();
        _rest.Clear();
        Interlocked.Exchange(ref _blockUploadFailures, 0);
        Interlocked.Exchange(ref _putBlobFailures, 0);
        Interlocked.Exchange(ref _cutDownloads, 0);
        Interlocked.Exchange(ref _resets, 0);
        _down = false;
        _denyWrites = false;
        _denyFinalize = false;
    }

    internal InjectedStatus? TakeTwirp() => _twirp.TryDequeue(out var status) ? status : null;

    internal InjectedStatus? TakeRest() => _rest.TryDequeue(out var status) ? status : null;

    internal bool TakeBlockUploadFailure() => TakeOne(ref _blockUploadFailures);

    internal bool TakePutBlobFailure() => TakeOne(ref _putBlobFailures);

    internal bool TakeCutDownload() => TakeOne(ref _cutDownloads);

    internal bool TakeReset() => TakeOne(ref _resets);

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
