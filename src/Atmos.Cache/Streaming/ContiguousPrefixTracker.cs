namespace Atmos.Cache.Streaming;

/// <summary>
/// Collects byte ranges of a file that were written completely, in any order, and publishes to a
/// <see cref="GrowingArchive"/> how far the file is complete from its start. A range counts only
/// once all of it is written, so a range being retried never exposes bytes that are not there yet.
/// </summary>
internal sealed class ContiguousPrefixTracker(GrowingArchive archive)
{
    private readonly object _gate = new();
    // Completed ranges beyond the prefix: start -> end (exclusive).
    private readonly SortedList<long, long> _ahead = [];
    private long _prefix;

    /// <summary>How many leading bytes are complete.</summary>
    public long Prefix
    {
        get
        {
            lock (_gate)
            {
                return _prefix;
            }
        }
    }

    /// <summary>Records that the <paramref name="length"/> bytes at <paramref name="start"/> are written.</summary>
    public void CompleteRange(long start, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        lock (_gate)
        {
            var end = start + length;
            if (start > _prefix)
            {
                _ahead[start] = Math.Max(end, _ahead.GetValueOrDefault(start));
                return;
            }

            var before = _prefix;
            _prefix = Math.Max(_prefix, end);
            while (_ahead.Count > 0 && _ahead.Keys[0] <= _prefix)
            {
                _prefix = Math.Max(_prefix, _ahead.Values[0]);
                _ahead.RemoveAt(0);
            }

            if (_prefix > before)
            {
                archive.ReportAvailable(_prefix);
            }
        }
    }
}
