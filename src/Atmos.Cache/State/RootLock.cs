using Atmos.Cache.Diagnostics;
using Atmos.Cache.Root;

namespace Atmos.Cache.State;

/// <summary>
/// The exclusive, cross-process lock on a cache root (<c>.atmos-cache/lock</c>). Held for a whole
/// restore or save, so a second process waits and then sees the first one's result in the state
/// marker instead of building on a half-restored root.
/// </summary>
internal static class RootLock
{
    /// <summary>Waits until the root's lock is free and takes it.</summary>
    public static Task<FileLock> AcquireAsync(string root, ICacheLogger logger, CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(
            Path.Combine(root, CachePaths.StateFolder, "lock"),
            () => logger.Log(CacheLogLevel.Info, $"Waiting for another process that is restoring or saving the cache root {root}."),
            cancellationToken);
}
