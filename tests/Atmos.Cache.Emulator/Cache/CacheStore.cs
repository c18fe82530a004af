namespace Atmos.Cache.Emulator.Cache;

/// <summary>
/// The entries of one repository, with the cache service's rules: an entry is identified by
/// key+version and written once (a reservation blocks a second writer), becomes visible when
/// finalized, and lookups try the exact key then each restore key as a prefix, newest first.
/// </summary>
public sealed class CacheStore(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly List<CacheRecord> _records = [];
    private long _nextId = 1;

    /// <summary>Reserves key+version; null when it is already reserved or finalized.</summary>
    public CacheRecord? Reserve(string key, string version, string gitRef)
    {
        lock (_gate)
        {
            if (_records.Any(record => record.Key == key && record.Version == version))
            {
                return null;
            }

            var now = clock.GetUtcNow();
            var record = new CacheRecord
            {
                Id = _nextId++,
                Key = key,
                Version = version,
                Ref = gitRef,
                BlobName = $"entry-{Guid.NewGuid():N}",
                CreatedAt = now,
                LastAccessedAt = now,
            };
            _records.Add(record);
            return record;
        }
    }

    /// <summary>The reserved, not yet finalized entry for key+version, or null.</summary>
    public CacheRecord? FindReservation(string key, string version)
    {
        lock (_gate)
        {
            return _records.FirstOrDefault(record => record.Key == key && record.Version == version && !record.Finalized);
        }
    }

    public void Finalize(CacheRecord record, long size)
    {
        lock (_gate)
        {
            record.SizeBytes = size;
            record.Finalized = true;
        }
    }

    /// <summary>The exact key's finalized entry, else the newest whose key starts with a restore key (in order).</summary>
    public CacheRecord? Match(string key, IReadOnlyList<string> restoreKeys, string version)
    {
        lock (_gate)
        {
            var visible = _records.Where(record => record.Finalized && record.Version == version).ToList();
            var match = visible.FirstOrDefault(record => record.Key == key)
                ?? restoreKeys.Select(prefix => Newest(visible.Where(record => record.Key.StartsWith(prefix, StringComparison.Ordinal)))).FirstOrDefault(found => found is not null);
            if (match is not null)
            {
                match.LastAccessedAt = clock.GetUtcNow();
            }

            return match;
        }
    }

    /// <summary>Finalized entries, as the REST API lists them.</summary>
    public IReadOnlyList<CacheRecord> Finalized()
    {
        lock (_gate)
        {
            return [.. _records.Where(record => record.Finalized)];
        }
    }

    /// <summary>Removes every entry (reserved or finalized) with exactly this key, returning them.</summary>
    public IReadOnlyList<CacheRecord> RemoveKey(string key, string? gitRef)
    {
        lock (_gate)
        {
            var doomed = _records.Where(record => record.Key == key && (gitRef is null || record.Ref == gitRef)).ToList();
            _records.RemoveAll(doomed.Contains);
            return doomed;
        }
    }

    private static CacheRecord? Newest(IEnumerable<CacheRecord> records) =>
        records.OrderByDescending(record => record.CreatedAt).ThenByDescending(record => record.Id).FirstOrDefault();
}
