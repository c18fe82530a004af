using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Backends.Transfer;

/// <summary>Counts the bytes of a transfer in parallel pieces and logs each 10% step once.</summary>
internal sealed class TransferProgress(string verb, long total, ICacheLogger logger, bool enabled)
{
    private long _done;
    private int _lastTenth;

    public long Done => Interlocked.Read(ref _done);

    /// <summary>Records bytes that arrived (or left), logging when a new 10% step is passed.</summary>
    public void Add(long bytes)
    {
        var done = Interlocked.Add(ref _done, bytes);
        if (!enabled || total <= 0)
        {
            return;
        }

        var tenth = (int)Math.Min(10, done * 10 / total);
        var last = Volatile.Read(ref _lastTenth);
        while (tenth > last)
        {
            var seen = Interlocked.CompareExchange(ref _lastTenth, tenth, last);
            if (seen == last)
            {
                logger.Log(CacheLogLevel.Info, $"{verb}: {tenth * 10}% ({Sizes.Format(done)} of {Sizes.Format(total)})");
                return;
            }

            last = seen;
        }
    }

    /// <summary>Takes back bytes of a piece that failed and will be sent again.</summary>
    public void Remove(long bytes) => Interlocked.Add(ref _done, -bytes);
}
