namespace Atmos.Cache.Build.Lifecycle;

/// <summary>
/// The answer to "may this task restore?". A granted claim holds the build ledger's lock until it is
/// disposed, so the other projects of the build wait until the root is complete before they compile.
/// </summary>
internal sealed class RestoreClaim : IDisposable
{
    private readonly BuildLedger? _ledger;

    private RestoreClaim(BuildLedger? ledger, bool wanted)
    {
        _ledger = ledger;
        Wanted = wanted;
    }

    /// <summary>This task restores.</summary>
    public bool IsGranted => _ledger is not null;

    /// <summary>False when the restore was not wanted (automatic restore off); true when it was, granted or not.</summary>
    public bool Wanted { get; }

    internal static RestoreClaim Granted(BuildLedger ledger) => new(ledger, wanted: true);

    internal static RestoreClaim NotGranted(bool wanted) => new(null, wanted);

    /// <summary>The cache service was unreachable or refused the restore of <paramref name="cache"/>: its save in this build is not tried.</summary>
    public void RecordOutage(string cache)
    {
        if (_ledger is null || _ledger.State.Outages.Contains(cache, StringComparer.Ordinal))
        {
            return;
        }

        lock (_ledger)
        {
            _ledger.State.Outages.Add(cache);
            _ledger.Save();
        }
    }

    public void Dispose() => _ledger?.Dispose();
}
