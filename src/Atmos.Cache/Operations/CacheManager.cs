using System.Diagnostics;
using Atmos.Cache.Archiving;
using Atmos.Cache.Backends;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Keys;
using Atmos.Cache.Root;
using Atmos.Cache.State;

namespace Atmos.Cache.Operations;

/// <summary>
/// Runs cache operations against one backend with one resolved configuration. The MSBuild hooks
/// and the manual targets call exactly these methods; the state marker, read and written under the
/// root lock, makes each of them idempotent across processes.
/// </summary>
public sealed class CacheManager
{
    private readonly ICacheBackend _backend;
    private readonly ICacheLogger _logger;

    public CacheManager(ICacheBackend backend, CacheConfig config, ICacheLogger? logger = null)
    {
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        _logger = logger ?? NullCacheLogger.Instance;
    }

    /// <summary>The resolved configuration.</summary>
    public CacheConfig Config { get; }

    /// <summary>The backend's type name.</summary>
    public string BackendName => _backend.Name;

    private string Version => CacheVersion.For(Config.Compression);

    /// <summary>
    /// Restores the exact key, else the newest entry matching a restore key, into the root. A no-op
    /// when this key was already restored in this lifecycle. On any failure the root is unchanged.
    /// </summary>
    public async Task<RestoreResult> RestoreAsync(CancellationToken cancellationToken = default)
    {
        KeyValidator.Validate(Config.Key, Config.RestoreKeys);
        var clock = Stopwatch.StartNew();
        using var rootLock = await RootLock.AcquireAsync(Config.Root, _logger, cancellationToken).ConfigureAwait(false);
        TempFile.SweepStale(Config.Root);
        var state = new StateMarker(Config.Root);
        if (state.Get(Config.Key) is { RestoredFrom: { } from } previous)
        {
            _logger.Log(CacheLogLevel.Detail, $"Cache key {Config.Key} was already restored in this lifecycle ({from}); skipping.");
            return new RestoreResult
            {
                Key = Config.Key,
                Hit = from != RestoredFrom.Miss,
                Exact = from == RestoredFrom.Exact,
                MatchedKey = previous.MatchedKey,
                Skipped = true,
                Elapsed = clock.Elapsed,
            };
        }

        var options = new ExtractOptions { Logger = _logger };
        CacheMatch? match = null;
        ArchiveStats stats = default!;
        var fromAtmosNamespace = false;
        foreach (var version in RestoreVersions())
        {
            try
            {
                (match, stats) = await RestoreVersionAsync(version, options, cancellationToken).ConfigureAwait(false);
                fromAtmosNamespace = version != Version;
                break;
            }
            catch (CacheNotFoundException)
            {
                // Only the backend reports this (the extractor never does), and then the root is untouched.
            }
        }

        if (match is null)
        {
            state.Set(Config.Key, new KeyState { RestoredFrom = RestoredFrom.Miss });
            return new RestoreResult { Key = Config.Key, Elapsed = clock.Elapsed };
        }

        if (fromAtmosNamespace)
        {
            _logger.Log(CacheLogLevel.Detail, $"Nothing matched in the zstd namespace; restored '{match.MatchedKey}' from the gzip namespace the Atmos CLI writes.");
        }

        var exact = string.Equals(match.MatchedKey, Config.Key, StringComparison.Ordinal);
        // An exact hit in the gzip namespace still lets the save write the zstd entry the configuration asks for.
        var recorded = exact && !fromAtmosNamespace ? RestoredFrom.Exact : RestoredFrom.Prefix;
        state.Set(Config.Key, new KeyState { RestoredFrom = recorded, MatchedKey = match.MatchedKey });
        return new RestoreResult
        {
            Key = Config.Key,
            Hit = true,
            Exact = exact,
            MatchedKey = match.MatchedKey,
            ArchiveBytes = match.Size,
            Entries = stats.Entries,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>
    /// Archives the root and stores it under the exact key. A no-op when the key was an exact hit
    /// at restore time or was already saved. An existing remote entry counts as saved.
    /// </summary>
    public async Task<SaveResult> SaveAsync(CancellationToken cancellationToken = default)
    {
        KeyValidator.Validate(Config.Key, Config.RestoreKeys);
        var clock = Stopwatch.StartNew();
        if (!Directory.Exists(Config.Root))
        {
            return Skip(SkipReasons.NoRoot);
        }

        using var rootLock = await RootLock.AcquireAsync(Config.Root, _logger, cancellationToken).ConfigureAwait(false);
        TempFile.SweepStale(Config.Root);
        var state = new StateMarker(Config.Root);
        var previous = state.Get(Config.Key);
        if (previous is { Saved: true })
        {
            return Skip(SkipReasons.AlreadySaved);
        }

        if (previous is { RestoredFrom: RestoredFrom.Exact })
        {
            return Skip(SkipReasons.ExactHit);
        }

        using var archive = TempFile.In(Config.Root, "save");
        var options = new ArchiveWriteOptions { Compression = Config.Compression, Includes = Config.Includes, Logger = _logger };
        var saved = new KeyState { RestoredFrom = previous?.RestoredFrom, MatchedKey = previous?.MatchedKey, Saved = true };
        ArchiveStats stats;
        try
        {
            stats = _backend is IStreamingSaveBackend streaming
                ? await new StreamingSave(streaming, _logger).RunAsync(Config.Root, Config.Key, Version, archive.Path, options, cancellationToken).ConfigureAwait(false)
                : await WriteThenSaveAsync(archive.Path, options, cancellationToken).ConfigureAwait(false);
        }
        catch (CacheAlreadyExistsException)
        {
            state.Set(Config.Key, saved);
            return new SaveResult { Key = Config.Key, Saved = true, Skipped = true, Reason = SkipReasons.AlreadyExists, Elapsed = clock.Elapsed };
        }

        state.Set(Config.Key, saved);
        return new SaveResult { Key = Config.Key, Saved = true, ArchiveBytes = stats.ArchiveBytes, Entries = stats.Entries, Elapsed = clock.Elapsed };

        SaveResult Skip(string reason) => new() { Key = Config.Key, Skipped = true, Reason = reason, Elapsed = clock.Elapsed };
    }

    /// <summary>
    /// The namespaces a restore looks in: the configured one; with zstd, then the gzip namespace, which the
    /// Atmos CLI writes (it ignores <c>ci.cache.compression</c>), so a shared <c>atmos.yaml</c> still shares caches.
    /// </summary>
    private IEnumerable<string> RestoreVersions() => Config.Compression == ArchiveCompression.Zstd
        ? [Version, CacheVersion.For(ArchiveCompression.Gzip)]
        : [Version];

    private async Task<(CacheMatch Match, ArchiveStats Stats)> RestoreVersionAsync(string version, ExtractOptions options, CancellationToken cancellationToken)
    {
        using var download = TempFile.In(Config.Root, "restore");
        return _backend is IStreamingRestoreBackend streaming
            ? await new StreamingRestore(streaming, _logger).RunAsync(Config.Root, Config.Key, Config.RestoreKeys, version, download.Path, options, cancellationToken).ConfigureAwait(false)
            : await DownloadThenExtractAsync(download.Path, version, options, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(CacheMatch Match, ArchiveStats Stats)> DownloadThenExtractAsync(string downloadPath, string version, ExtractOptions options, CancellationToken cancellationToken)
    {
        var match = await _backend.RestoreAsync(Config.Key, Config.RestoreKeys, version, downloadPath, cancellationToken).ConfigureAwait(false);
        var stats = await ArchiveExtractor.ExtractAsync(downloadPath, Config.Root, options, cancellationToken).ConfigureAwait(false);
        return (match, stats);
    }

    private async Task<ArchiveStats> WriteThenSaveAsync(string archivePath, ArchiveWriteOptions options, CancellationToken cancellationToken)
    {
        var stats = await ArchiveWriter.WriteAsync(Config.Root, archivePath, options, cancellationToken).ConfigureAwait(false);
        await _backend.SaveAsync(Config.Key, Version, archivePath, cancellationToken).ConfigureAwait(false);
        return stats;
    }

    /// <summary>Entries whose key starts with <paramref name="prefix"/>, newest first.</summary>
    public Task<IReadOnlyList<CacheEntry>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        _backend.ListAsync(new CacheListOptions { KeyPrefix = prefix ?? "" }, cancellationToken);

    /// <summary>Deletes the entry with exactly this key; a missing key is not an error.</summary>
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new CacheConfigurationException("No cache key to delete. Set AtmosCacheDeleteKey to the exact key.");
        }

        return _backend.DeleteAsync(key, cancellationToken);
    }
}
