using Atmos.Cache.Backends;
using Atmos.Cache.Configuration;

namespace Atmos.Cache.Operations;

/// <summary>
/// Removes an entry a restore found corrupt or untrusted, so it does not stay in the store and the
/// same build's save can write the key again; says in one sentence what happened, for the warning.
/// </summary>
internal sealed class EntryRemoval(ICacheBackend backend, CacheConfig config)
{
    public async Task<string> RemoveAsync(string key, string version, CancellationToken cancellationToken)
    {
        if (backend is not IEntryRemovalBackend removal)
        {
            return $"Delete it with the {backend.Name} backend's own tools.";
        }

        if (config.SaveBlockedBy is not null)
        {
            // A job that must not write to the cache does not delete from it either.
            return $"This job does not change the cache ({config.SaveBlockedBy}), so it stays; delete the entry '{key}' from a trusted job.";
        }

        return await removal.RemoveEntryAsync(key, version, cancellationToken).ConfigureAwait(false);
    }
}
