using Atmos.Cache.Streaming;
namespace Atmos.Cache.Backends;

/// <summary>
/// A backend that can start storing an archive while it is still being written, so the upload
/// overlaps the archiving instead of following it. Optional: the manager falls back to
/// <see cref="ICacheBackend.SaveAsync"/> with the finished file for backends without it.
/// </summary>
public interface IStreamingSaveBackend
{
    /// <summary>
    /// Stores the archive being written at <paramref name="archive"/> under the exact key. Must not
    /// make the entry visible before <see cref="GrowingArchive.Completion"/> succeeded and every byte
    /// was stored; fails (without a visible entry) when the archive's writing fails.
    /// Throws <see cref="Errors.CacheAlreadyExistsException"/> when the key exists (or is being written).
    /// </summary>
    Task SaveAsync(string key, string version, GrowingArchive archive, CancellationToken cancellationToken);
}
