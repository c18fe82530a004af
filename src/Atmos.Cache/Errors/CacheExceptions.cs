namespace Atmos.Cache.Errors;

/// <summary>Base of every error the cache engine raises, so callers can catch them as one family.</summary>
public abstract class CacheException : Exception
{
    protected CacheException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>No cache-capable backend is available (outside CI, missing runtime variables...).</summary>
public sealed class CacheUnavailableException(string message, Exception? inner = null) : CacheException(message, inner);

/// <summary>Neither the exact key nor any restore-key prefix matched an entry.</summary>
public sealed class CacheNotFoundException(string message) : CacheException(message);

/// <summary>An entry with this key (and version) already exists, or is being written by someone else.</summary>
public sealed class CacheAlreadyExistsException(string message) : CacheException(message);

/// <summary>The configuration is wrong: a bad template, key, mode or backend. The message says what to change.</summary>
public sealed class CacheConfigurationException(string message, Exception? inner = null) : CacheException(message, inner);

/// <summary>Writing or extracting an archive failed (unsafe entry, corrupt or truncated data, limits exceeded, disk full).</summary>
public sealed class CacheArchiveException(string message, Exception? inner = null) : CacheException(message, inner)
{
    /// <summary>
    /// The failure lies in the stored archive's bytes (truncated, corrupt, unsafe or over a limit), all
    /// of which arrived: the entry can never restore, so it is removed and saved again.
    /// </summary>
    public bool EntryDamaged { get; init; }

    /// <summary>The cause is this machine (its file system, its platform's names), not the archive's bytes.</summary>
    internal bool OnThisMachine { get; init; }
}

/// <summary>A request to the backend's service failed after retries.</summary>
public sealed class CacheBackendException(string message, Exception? inner = null) : CacheException(message, inner);

/// <summary>
/// A restored entry is corrupt: its content does not match the digest it was saved with, or its
/// compressed data is damaged. It was refused before anything reached the root.
/// </summary>
public sealed class CacheIntegrityException(string key, string message, Exception? inner = null) : CacheException(message, inner)
{
    /// <summary>The key of the corrupt entry.</summary>
    public string Key { get; } = key;
}

/// <summary>A restored archive is unsigned (while signatures are required) or wrongly signed: it counts as a miss.</summary>
public sealed class CacheUntrustedEntryException(string key, string message) : CacheException(message)
{
    /// <summary>The key of the untrusted entry.</summary>
    public string Key { get; } = key;
}

/// <summary>The cache service refuses this job's writes (its answer starts <c>cache write denied:</c>).</summary>
public sealed class CacheWriteDeniedException(string message) : CacheException(message);
