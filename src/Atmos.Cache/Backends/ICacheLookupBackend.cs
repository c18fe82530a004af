namespace Atmos.Cache.Backends;

/// <summary>
/// A backend that can resolve a key without downloading anything (lookup-only restores, as
/// actions/cache's <c>lookup-only</c>).
/// </summary>
public interface ICacheLookupBackend
{
    /// <summary>
    /// Looks up the exact key, then each restore key as a prefix (newest entry first), as a restore
    /// would; returns null when nothing matches. Transfers no archive byte.
    /// </summary>
    Task<CacheMatch?> LookUpAsync(string key, IReadOnlyList<string> restoreKeys, string version, CancellationToken cancellationToken);
}
