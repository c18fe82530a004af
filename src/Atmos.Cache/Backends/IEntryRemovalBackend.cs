namespace Atmos.Cache.Backends;

/// <summary>
/// A backend that can remove one entry found corrupt or untrusted, so it does not stay in the store
/// and the same build's save can write the key again.
/// </summary>
public interface IEntryRemovalBackend
{
    /// <summary>
    /// Removes the entry with exactly this key and version when it can. Returns one sentence for the
    /// warning: that it was removed, or the exact command that removes it when this backend cannot.
    /// Throws only on cancellation; a failed removal is described, not thrown.
    /// </summary>
    Task<string> RemoveEntryAsync(string key, string version, CancellationToken cancellationToken);
}
