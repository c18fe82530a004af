using System.Diagnostics;
using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Integrity;
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
    /// An entry whose stored bytes fail any check (truncated, unreadable, a digest or trailer that does
    /// not match) is refused and removed from the store where the backend can, so the save writes it
    /// again; a failed transfer removes nothing; with a signing key, an unsigned or wrongly signed entry counts as a miss for
    /// the key that found it (and is removed), and the next restore key is tried. With lookup-only,
    /// the match is resolved and reported and nothing is downloaded.
    /// </summary>
    public async Task<RestoreResult> RestoreAsync(CancellationToken cancellationToken = default)
    {
        KeyValidator.Validate(Config.Key, Config.RestoreKeys);
        var clock = Stopwatch.StartNew();
        if (Config.RestoreBlockedBy is { } blocked)
        {
            return new RestoreResult { Key = Config.Key, Skipped = true, Reason = blocked, Elapsed = clock.Elapsed };
        }

        if (Config.LookupOnly)
        {
            return await LookUpAsync(clock, cancellationToken).ConfigureAwait(false);
        }

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
                Reason = SkipReasons.AlreadyRestored,
                Elapsed = clock.Elapsed,
            };
        }

        using var download = TempFile.In(Config.Root, "restore");
        var rejected = new List<RejectedEntry>();
        foreach (var version in RestoreVersions())
        {
            if (await RestoreFromVersionAsync(version, download.Path, rejected, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                continue;
            }

            var (match, stats) = found;
            var fromAtmosNamespace = version != Version;
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
                ContentBytes = stats.ContentBytes,
                Files = stats.Files,
                Rejected = rejected,
                Elapsed = clock.Elapsed,
            };
        }

        state.Set(Config.Key, new KeyState { RestoredFrom = RestoredFrom.Miss });
        return new RestoreResult { Key = Config.Key, Rejected = rejected, Elapsed = clock.Elapsed };
    }

    /// <summary>
    /// The namespaces a restore looks in: the configured one; with zstd, then the gzip namespace, which the
    /// Atmos CLI writes (it ignores <c>ci.cache.compression</c>), so a shared <c>atmos.yaml</c> still shares caches.
    /// </summary>
    private IEnumerable<string> RestoreVersions() => Config.Compression == ArchiveCompression.Zstd
        ? [Version, CacheVersion.For(ArchiveCompression.Gzip)]
        : [Version];

    /// <summary>
    /// Restores the first trusted match in one version namespace, or null when nothing there matched;
    /// untrusted matches are removed, added to <paramref name="rejected"/>, and the next restore key is tried.
    /// </summary>
    private async Task<(CacheMatch Match, ArchiveStats Stats)?> RestoreFromVersionAsync(
        string version, string downloadPath, List<RejectedEntry> rejected, CancellationToken cancellationToken)
    {
        var candidates = new RestoreCandidates(Config.Key, Config.RestoreKeys);
        while (candidates.Remaining)
        {
            var attempt = new RestoreAttempt(match => ExtractOptionsFor(match, version));
            try
            {
                return await RestoreFromAsync(candidates, version, attempt, downloadPath, cancellationToken).ConfigureAwait(false);
            }
            catch (CacheNotFoundException)
            {
                // Only the backend reports this (the extractor never does), and then the root is untouched.
                return null;
            }
            catch (CacheIntegrityException e)
            {
                throw new CacheIntegrityException(e.Key, $"{e.Message} {await RemoveAsync(e.Key, version, cancellationToken).ConfigureAwait(false)}", e);
            }
            catch (CacheArchiveException e) when (e.EntryDamaged && attempt.Match is { } damaged)
            {
                // The stored archive is broken (its own checks failed): as corrupt as a digest mismatch.
                // (The transport's failures are never marked damaged: those leave the entry alone.)
                var removal = await RemoveAsync(damaged.MatchedKey, version, cancellationToken).ConfigureAwait(false);
                throw new CacheIntegrityException(damaged.MatchedKey, $"The cache entry '{damaged.MatchedKey}' is corrupt, and the root is unchanged. {e.Message} {removal}", e);
            }
            catch (CacheUntrustedEntryException e)
            {
                var removal = await RemoveAsync(e.Key, version, cancellationToken).ConfigureAwait(false);
                rejected.Add(new RejectedEntry(e.Key, $"{e.Message} {removal}"));
                _logger.Log(CacheLogLevel.Detail, $"Trying the next restore key after the untrusted entry '{e.Key}'.");
                candidates.SkipPast(e.Key);
            }
        }

        return null;
    }

    /// <summary>Downloads and extracts the first match of the candidates left, checked against the matched key.</summary>
    private Task<(CacheMatch Match, ArchiveStats Stats)> RestoreFromAsync(
        RestoreCandidates candidates, string version, RestoreAttempt attempt, string downloadPath, CancellationToken cancellationToken) =>
        _backend is IStreamingRestoreBackend streaming
            ? new StreamingRestore(streaming, _logger).RunAsync(Config.Root, candidates.Key, candidates.RestoreKeys, version, downloadPath, attempt.OptionsFor, cancellationToken)
            : DownloadThenExtractAsync(candidates, version, attempt, downloadPath, cancellationToken);

    private ExtractOptions ExtractOptionsFor(CacheMatch match, string version) => new()
    {
        Logger = _logger,
        // A NuGet folder's installed packages never change: keep the ones the root already holds.
        KeepExisting = Config.Kind == CacheKind.NuGet ? new Caches.NuGet.InstalledPackages(Config.Root).Holds : null,
        Verification = new EntryVerification
        {
            Key = match.MatchedKey,
            Version = version,
            Signer = Config.Signer,
            RequireSignature = Config.RequireSignature,
        },
    };

    /// <summary>Removes a corrupt or untrusted entry where the backend can; the sentence says what happened.</summary>
    private Task<string> RemoveAsync(string key, string version, CancellationToken cancellationToken) =>
        new EntryRemoval(_backend, Config).RemoveAsync(key, version, cancellationToken);

    /// <summary>Resolves the key and reports the match, downloading nothing and leaving the state marker alone.</summary>
    private async Task<RestoreResult> LookUpAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        if (_backend is not ICacheLookupBackend lookup)
        {
            throw new CacheConfigurationException($"The {_backend.Name} backend cannot look up a key without restoring it; unset AtmosCacheLookupOnly.");
        }

        var match = await lookup.LookUpAsync(Config.Key, Config.RestoreKeys, Version, cancellationToken).ConfigureAwait(false);
        return new RestoreResult
        {
            Key = Config.Key,
            Hit = match is not null,
            Exact = match is not null && string.Equals(match.MatchedKey, Config.Key, StringComparison.Ordinal),
            MatchedKey = match?.MatchedKey,
            LookupOnly = true,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>
    /// Archives the root and stores it under the exact key. A no-op when the key was an exact hit
    /// at restore time or was already saved. An existing remote entry counts as saved. The archive
    /// carries the SHA-256 of its content, and with a signing key its signature. A save the cache
    /// service denies (<c>cache write denied:</c>) ends quietly: nothing is retried or warned about.
    /// </summary>
    public async Task<SaveResult> SaveAsync(CancellationToken cancellationToken = default)
    {
        KeyValidator.Validate(Config.Key, Config.RestoreKeys);
        var clock = Stopwatch.StartNew();
        if (Config.SaveBlockedBy is { } blocked)
        {
            return Skip(blocked);
        }

        if (!Directory.Exists(Config.Root))
        {
            return Skip(SkipReasons.NoRoot);
        }

        if (Config.Includes.Count == 0 && IsEmpty(Config.Root))
        {
            // An empty entry would only stand in the way of a save with content under the same key.
            return Skip(SkipReasons.EmptyRoot);
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
        var options = new ArchiveWriteOptions
        {
            Compression = Config.Compression,
            Includes = Config.Includes,
            Excludes = Config.Excludes,
            Logger = _logger,
            Signing = Config.Signer is { } signer ? new EntrySigning(signer, Config.Key, Version) : null,
        };
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
        catch (CacheWriteDeniedException e)
        {
            return Skip($"{SkipReasons.WriteDenied} ({e.Message})");
        }

        state.Set(Config.Key, saved);
        return new SaveResult { Key = Config.Key, Saved = true, ArchiveBytes = stats.ArchiveBytes, Entries = stats.Entries, ContentBytes = stats.ContentBytes, Files = stats.Files, Elapsed = clock.Elapsed };

        SaveResult Skip(string reason) => new() { Key = Config.Key, Skipped = true, Reason = reason, Elapsed = clock.Elapsed };
    }

    /// <summary>True when the root holds nothing but the package's own state folder.</summary>
    private static bool IsEmpty(string root) =>
        !Directory.EnumerateFileSystemEntries(root).Any(entry => !string.Equals(Path.GetFileName(entry), CachePaths.StateFolder, StringComparison.Ordinal));

    private async Task<(CacheMatch Match, ArchiveStats Stats)> DownloadThenExtractAsync(
        RestoreCandidates candidates, string version, RestoreAttempt attempt, string downloadPath, CancellationToken cancellationToken)
    {
        var match = await _backend.RestoreAsync(candidates.Key, candidates.RestoreKeys, version, downloadPath, cancellationToken).ConfigureAwait(false);
        var stats = await ArchiveExtractor.ExtractAsync(downloadPath, Config.Root, attempt.OptionsFor(match), cancellationToken).ConfigureAwait(false);
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
