using Atmos.Cache.Streaming;
namespace Atmos.Cache.Backends;

/// <summary>
/// A backend that can hand over an archive while it is still downloading, so the extraction
/// follows the download instead of waiting for its end. Optional: the manager falls back to
/// <see cref="ICacheBackend.RestoreAsync"/> and the finished file for backends without it.
/// </summary>
public interface IStreamingRestoreBackend
{
    /// <summary>
    /// Looks up the key as <see cref="ICacheBackend.RestoreAsync"/> does (throwing
    /// <see cref="Errors.CacheNotFoundException"/> when nothing matches), then starts downloading the
    /// match into <paramref name="destinationPath"/> (created or overwritten) and returns while it runs.
    /// <paramref name="cancellationToken"/> covers the lookup and the whole download.
    /// </summary>
    Task<StreamingDownload> StartRestoreAsync(
        string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken);
}
