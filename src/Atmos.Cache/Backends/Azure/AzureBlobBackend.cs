using Atmos.Cache.Backends.Azure.Credentials;
using Atmos.Cache.Backends.Azure.Http;
using Atmos.Cache.Backends.Blob;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;

namespace Atmos.Cache.Backends.Azure;

/// <summary>
/// An Azure Blob Storage container: one block blob per entry at
/// <c>&lt;prefix&gt;&lt;version&gt;/&lt;key&gt;</c>, written once (<c>If-None-Match: *</c> on Put Blob and
/// Put Block List), large archives as blocks staged in parallel while they are written, restores as
/// parallel ranged GETs that the extraction follows, prefix restores newest first by creation time.
/// </summary>
public sealed class AzureBlobBackend : ICacheBackend, IStreamingSaveBackend, IStreamingRestoreBackend, ICacheLookupBackend, IEntryRemovalBackend
{
    public const string TypeName = Configuration.BackendNames.AzureBlob;

    private readonly AzureBlobSettings _settings;
    private readonly AzureBlobLayout _layout;
    private readonly AzureBlobClient _client;
    private readonly RetryPolicy _retry;
    private readonly SecretRedactor _redactor;
    private readonly ICacheLogger _logger;

    internal AzureBlobBackend(AzureBlobSettings settings, AzureCredential credential, ICacheLogger? logger = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(credential);
        settings.Validate();
        _settings = settings;
        _logger = logger ?? NullCacheLogger.Instance;
        _layout = new AzureBlobLayout(settings.Prefix);
        _redactor = new SecretRedactor([.. credential.Secrets]);
        _retry = new RetryPolicy(settings.Retry, _redactor, _logger);
        var sender = new BlobSender(BackendHttpClient.Get(handler), credential.Authorizer,
            $"Check that {credential.Description} may write to the container (Storage Blob Data Contributor, or a SAS with the read, add, create, write, delete and list permissions).");
        _client = new AzureBlobClient(sender, settings.AccountUrl, settings.Container, credential.SasQuery, _retry, _redactor, credential.Description);
        _logger.Log(CacheLogLevel.Detail, $"Azure Blob Storage container {Location} with {credential.Description}.");
    }

    public string Name => TypeName;

    private string Location => $"{SecretRedactor.RedactUrl(_settings.AccountUrl).TrimEnd('/')}/{_settings.Container}";

    /// <summary>The factory the registry uses: settings from the configuration and the Azure variables, credentials as the Azure tools find them.</summary>
    public static ICacheBackend Create(BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var resolved = AzureSettingsResolver.Resolve(options.Config.Azure, options.Environment);
        var credential = AzureCredentialResolver.Resolve(
            options.Environment, resolved.ConnectionString, resolved.AccountName, BackendHttpClient.Get(null), resolved.Settings.Retry, options.Logger);
        return new AzureBlobBackend(resolved.Settings, credential, options.Logger);
    }

    public async Task SaveAsync(string key, string version, string archivePath, CancellationToken cancellationToken)
    {
        var blobName = await ReserveAsync(key, version, cancellationToken).ConfigureAwait(false);
        var upload = await Uploader().UploadAsync(_client.BlobUrl(blobName), archivePath, cancellationToken).ConfigureAwait(false);
        EnsureWritten(upload, key);
    }

    /// <summary>
    /// Checks first that the key is free (so an existing entry stops the save before the archive is
    /// finished), stages blocks as the archive grows, and commits them only after writing completed
    /// and every block was accepted; the commit itself is conditional, so a racing job cannot be overwritten.
    /// </summary>
    public async Task SaveAsync(string key, string version, GrowingArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var blobName = await ReserveAsync(key, version, cancellationToken).ConfigureAwait(false);
        var upload = await Uploader().UploadAsync(_client.BlobUrl(blobName), archive, cancellationToken).ConfigureAwait(false);
        EnsureWritten(upload, key);
    }

    private async Task<string> ReserveAsync(string key, string version, CancellationToken cancellationToken)
    {
        var blobName = _layout.BlobName(version, key);
        if (await _client.GetPropertiesAsync(blobName, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw Exists(key);
        }

        _logger.Log(CacheLogLevel.Detail, $"Saving cache entry '{key}' to {Location}/{blobName}.");
        return blobName;
    }

    private static void EnsureWritten(BlobUpload upload, string key)
    {
        if (!upload.Written)
        {
            // The conditional write found the name taken: another job saved the key meanwhile.
            throw Exists(key);
        }
    }

    private static CacheAlreadyExistsException Exists(string key) => new($"Cache entry '{key}' already exists in the Azure blob container.");

    public async Task<CacheMatch> RestoreAsync(string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken)
    {
        var found = await FindAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false) ?? throw NotFound(key, restoreKeys);
        await Downloader().DownloadAsync(_client.BlobUrl(found.BlobName), found.Size, destinationPath, cancellationToken).ConfigureAwait(false);
        return new CacheMatch(found.Key, found.Size);
    }

    public async Task<StreamingDownload> StartRestoreAsync(
        string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken)
    {
        var found = await FindAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false) ?? throw NotFound(key, restoreKeys);
        var started = await Downloader().StartAsync(_client.BlobUrl(found.BlobName), found.Size, destinationPath, cancellationToken).ConfigureAwait(false);
        return new StreamingDownload(new CacheMatch(found.Key, found.Size), started.Archive, started.Download);
    }

    /// <summary>Resolves the key as a restore would, from the blob's properties or a listing; downloads nothing.</summary>
    public async Task<CacheMatch?> LookUpAsync(string key, IReadOnlyList<string> restoreKeys, string version, CancellationToken cancellationToken) =>
        await FindAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false) is { } found ? new CacheMatch(found.Key, found.Size) : null;

    private static CacheNotFoundException NotFound(string key, IReadOnlyList<string> restoreKeys) =>
        new($"No Azure blob cache entry matches '{key}' or any of {restoreKeys.Count} restore keys.");

    /// <summary>The exact key first, then each restore key as a prefix: the newest blob (by creation time) under it.</summary>
    private async Task<(string Key, string BlobName, long Size)?> FindAsync(string key, IReadOnlyList<string> restoreKeys, string version, CancellationToken cancellationToken)
    {
        var exact = _layout.BlobName(version, key);
        if (await _client.GetPropertiesAsync(exact, cancellationToken).ConfigureAwait(false) is { } blob)
        {
            _logger.Log(CacheLogLevel.Detail, $"Cache entry '{key}' found at {Location}/{exact}.");
            return (key, exact, blob.Size);
        }

        var versionPrefix = _layout.VersionPrefix(version);
        foreach (var restoreKey in restoreKeys)
        {
            var blobs = await _client.ListAllAsync(versionPrefix + restoreKey, _settings.ListPageSize, cancellationToken).ConfigureAwait(false);
            var newest = blobs
                .OrderByDescending(b => b.CreatedOn)
                .ThenByDescending(b => b.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (newest is not null)
            {
                var matched = newest.Name[versionPrefix.Length..];
                _logger.Log(CacheLogLevel.Detail, $"Restore key '{restoreKey}' matched '{matched}', the newest of {blobs.Count}.");
                return (matched, newest.Name, newest.Size);
            }
        }

        return null;
    }

    public async Task<IReadOnlyList<CacheEntry>> ListAsync(CacheListOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var entries = new List<CacheEntry>();
        foreach (var version in await VersionsAsync(cancellationToken).ConfigureAwait(false))
        {
            var versionPrefix = _layout.VersionPrefix(version);
            var blobs = await _client.ListAllAsync(versionPrefix + options.KeyPrefix, _settings.ListPageSize, cancellationToken).ConfigureAwait(false);
            entries.AddRange(blobs.Select(b => new CacheEntry
            {
                Key = b.Name[versionPrefix.Length..],
                Size = b.Size,
                CreatedAt = b.CreatedOn,
                Id = b.Name,
                Version = version,
            }));
        }

        return [.. entries.OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Key, StringComparer.Ordinal)];
    }

    /// <summary>Deletes the key's blob in every version namespace; a missing one is not an error.</summary>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        foreach (var version in await VersionsAsync(cancellationToken).ConfigureAwait(false))
        {
            var blobName = _layout.BlobName(version, key);
            var deleted = await _client.DeleteAsync(blobName, cancellationToken).ConfigureAwait(false);
            _logger.Log(CacheLogLevel.Detail, deleted ? $"Deleted {Location}/{blobName}." : $"No blob {Location}/{blobName} to delete.");
        }
    }

    /// <summary>Deletes the one damaged entry (this key in this version namespace), so a save can write it again.</summary>
    public async Task<string> RemoveEntryAsync(string key, string version, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteAsync(_layout.BlobName(version, key), cancellationToken).ConfigureAwait(false);
            return "It was deleted from the Azure blob container, so a save can write it again.";
        }
        catch (CacheException e)
        {
            return $"Deleting it from the Azure blob container failed ({e.Message}); delete it with: dotnet build -t:DeleteCiCache -p:AtmosCacheDeleteKey={key}";
        }
    }

    /// <summary>The version namespaces present under the prefix (the blob prefixes of a delimited listing).</summary>
    private async Task<IReadOnlyList<string>> VersionsAsync(CancellationToken cancellationToken)
    {
        var prefixes = await _client.ListPrefixesAsync(_layout.Prefix, _settings.ListPageSize, cancellationToken).ConfigureAwait(false);
        return [.. prefixes.Select(_layout.VersionOf).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)];
    }

    private BlobUploader Uploader() => new(_client.Sender, _retry, _settings.Transfer, _redactor, _logger, writeOnce: true);

    private BlobDownloader Downloader() => new(_client.Sender, _retry, _settings.Transfer, _redactor, _logger);
}
