using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Backends.Local;

/// <summary>
/// A directory store for machines without a CI cache service. Layout:
/// <c>&lt;dir&gt;/&lt;version&gt;/&lt;sha256(key)&gt;/{entry.json,archive}</c>. An entry is staged in a
/// private folder and published by one directory rename, which fails when the entry exists: so
/// entries are write-once, a losing concurrent writer gets "already exists", and a reader never
/// sees a half-written entry.
/// </summary>
public sealed class LocalBackend : ICacheBackend
{
    public const string TypeName = "local";

    private const string MetadataFile = "entry.json";
    private const string ArchiveFile = "archive";
    private const string StagingPrefix = ".staging-";

    private readonly string _directory;
    private readonly TimeProvider _time;

    /// <param name="directory">The store's folder; created on first save.</param>
    /// <param name="time">The clock that stamps entries' creation times (for tests).</param>
    public LocalBackend(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        _time = time ?? TimeProvider.System;
    }

    public string Name => TypeName;

    /// <summary>The factory the registry uses: the store is the configured local directory.</summary>
    public static ICacheBackend Create(BackendOptions options) => new LocalBackend(options.Config.LocalDirectory);

    public async Task SaveAsync(string key, string version, string archivePath, CancellationToken cancellationToken)
    {
        var versionFolder = Path.Combine(_directory, version);
        var final = EntryFolder(version, key);
        if (Directory.Exists(final))
        {
            throw new CacheAlreadyExistsException($"Cache entry '{key}' already exists in the local store.");
        }

        var staging = Path.Combine(versionFolder, StagingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            var archive = Path.Combine(staging, ArchiveFile);
            await FileCloner.CloneAsync(archivePath, archive, cancellationToken).ConfigureAwait(false);
            var metadata = new EntryMetadata(key, new FileInfo(archive).Length, _time.GetUtcNow());
            await File.WriteAllBytesAsync(Path.Combine(staging, MetadataFile), metadata.ToJson(), cancellationToken).ConfigureAwait(false);
            try
            {
                // rename(2) of a folder onto an existing, non-empty one fails: the atomic write-once step.
                Directory.Move(staging, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                throw new CacheAlreadyExistsException($"Cache entry '{key}' already exists in the local store.");
            }
        }
        finally
        {
            TryDeleteFolder(staging);
        }
    }

    public async Task<CacheMatch> RestoreAsync(string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken)
    {
        var match = FindExact(version, key) ?? restoreKeys
            .Select(prefix => ReadEntries(version).Where(entry => entry.Metadata.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderByDescending(e => e.Metadata.CreatedAt).FirstOrDefault())
            .FirstOrDefault(found => found is not null);
        if (match is null)
        {
            throw new CacheNotFoundException($"No cache entry matches '{key}' or any of {restoreKeys.Count} restore keys.");
        }

        try
        {
            await FileCloner.CloneAsync(Path.Combine(match.Folder, ArchiveFile), destinationPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted between lookup and read.
            throw new CacheNotFoundException($"Cache entry '{match.Metadata.Key}' was deleted while being restored.");
        }

        return new CacheMatch(match.Metadata.Key, match.Metadata.Size);
    }

    public Task<IReadOnlyList<CacheEntry>> ListAsync(CacheListOptions options, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_directory))
        {
            return Task.FromResult<IReadOnlyList<CacheEntry>>([]);
        }

        IReadOnlyList<CacheEntry> entries = Directory.EnumerateDirectories(_directory)
            .SelectMany(versionFolder => ReadEntries(Path.GetFileName(versionFolder)))
            .Where(entry => entry.Metadata.Key.StartsWith(options.KeyPrefix, StringComparison.Ordinal))
            .OrderByDescending(entry => entry.Metadata.CreatedAt)
            .Select(entry => new CacheEntry
            {
                Key = entry.Metadata.Key,
                Size = entry.Metadata.Size,
                CreatedAt = entry.Metadata.CreatedAt,
                Id = Path.GetFileName(entry.Folder),
                Version = entry.Version,
            })
            .ToList();
        return Task.FromResult(entries);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_directory))
        {
            return Task.CompletedTask;
        }

        foreach (var versionFolder in Directory.EnumerateDirectories(_directory))
        {
            var folder = EntryFolder(Path.GetFileName(versionFolder), key);
            var doomed = Path.Combine(versionFolder, StagingPrefix + "deleted-" + Guid.NewGuid().ToString("N"));
            try
            {
                // Unpublish with one rename so no reader sees a partly deleted entry.
                Directory.Move(folder, doomed);
            }
            catch (DirectoryNotFoundException)
            {
                continue;
            }

            TryDeleteFolder(doomed);
        }

        return Task.CompletedTask;
    }

    private string EntryFolder(string version, string key) =>
        Path.Combine(_directory, version, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant());

    private StoredEntry? FindExact(string version, string key)
    {
        var folder = EntryFolder(version, key);
        return ReadMetadata(folder) is { } metadata && metadata.Key == key ? new StoredEntry(folder, version, metadata) : null;
    }

    private IEnumerable<StoredEntry> ReadEntries(string version)
    {
        var versionFolder = Path.Combine(_directory, version);
        if (!Directory.Exists(versionFolder))
        {
            yield break;
        }

        foreach (var folder in Directory.EnumerateDirectories(versionFolder))
        {
            if (Path.GetFileName(folder).StartsWith(StagingPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (ReadMetadata(folder) is { } metadata)
            {
                yield return new StoredEntry(folder, version, metadata);
            }
        }
    }

    private static EntryMetadata? ReadMetadata(string folder)
    {
        try
        {
            return EntryMetadata.FromJson(File.ReadAllBytes(Path.Combine(folder, MetadataFile)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover staging folder is invisible to readers and harmless.
        }
    }

    private sealed record StoredEntry(string Folder, string Version, EntryMetadata Metadata);
}
