namespace Atmos.Cache.Backends;

/// <summary>
/// A remote (or local) store of write-once cache entries, addressed by key and version namespace.
/// Archives move as files so a backend can transfer them in parallel pieces.
/// </summary>
public interface ICacheBackend
{
    /// <summary>The backend type name, e.g. <c>github/actions</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Stores the archive at <paramref name="archivePath"/> under the exact key.
    /// Throws <see cref="Errors.CacheAlreadyExistsException"/> when the key exists (or is being written).
    /// Never leaves a half-written entry that a reader could see.
    /// </summary>
    Task SaveAsync(string key, string version, string archivePath, CancellationToken cancellationToken);

    /// <summary>
    /// Looks up the exact key, then each restore key as a prefix (newest entry first), and writes the
    /// matched archive to <paramref name="destinationPath"/> (created or overwritten).
    /// Throws <see cref="Errors.CacheNotFoundException"/> when nothing matches.
    /// </summary>
    Task<CacheMatch> RestoreAsync(string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken);

    /// <summary>Entries whose key starts with the prefix (all when empty), newest first.</summary>
    Task<IReadOnlyList<CacheEntry>> ListAsync(CacheListOptions options, CancellationToken cancellationToken);

    /// <summary>Deletes every entry with exactly this key. Deleting a missing key is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>What a restore found: the key that matched and the archive's size in bytes.</summary>
public sealed record CacheMatch(string MatchedKey, long Size);

/// <summary>One entry of a backend's listing.</summary>
public sealed record CacheEntry
{
    public required string Key { get; init; }
    /// <summary>Size in bytes (0 if unknown).</summary>
    public long Size { get; init; }
    /// <summary>When the entry was created (null if unknown).</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>The provider's identifier for the entry (may be empty).</summary>
    public string Id { get; init; } = "";
    /// <summary>The version namespace of the entry (may be empty).</summary>
    public string Version { get; init; } = "";
}

/// <summary>Filters for <see cref="ICacheBackend.ListAsync"/>.</summary>
public sealed record CacheListOptions
{
    /// <summary>Only entries whose key starts with this; empty matches all.</summary>
    public string KeyPrefix { get; init; } = "";
}
