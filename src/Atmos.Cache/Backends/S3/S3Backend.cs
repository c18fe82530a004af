using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Backends.S3.Http;
using Atmos.Cache.Backends.S3.Signing;
using Atmos.Cache.Backends.S3.Transfer;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;

namespace Atmos.Cache.Backends.S3;

/// <summary>
/// An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Ceph): one object per entry at
/// <c>&lt;prefix&gt;&lt;version&gt;/&lt;key&gt;</c>, written once through conditional writes
/// (<c>If-None-Match: *</c>), large archives as parallel multipart uploads while they are written,
/// restores as parallel ranged GETs that the extraction follows, prefix restores newest first.
/// </summary>
public sealed class S3Backend : ICacheBackend, IStreamingSaveBackend, IStreamingRestoreBackend, IEntryRemovalBackend
{
    public const string TypeName = Configuration.BackendNames.S3;

    private readonly S3BackendSettings _settings;
    private readonly S3ObjectLayout _layout;
    private readonly S3Client _client;
    private readonly ICacheLogger _logger;

    internal S3Backend(S3BackendSettings settings, IAwsCredentialProvider credentials, ICacheLogger? logger = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(credentials);
        settings.Validate();
        _settings = settings;
        _logger = logger ?? NullCacheLogger.Instance;
        _layout = new S3ObjectLayout(settings.Prefix);
        var addressing = new S3Addressing(settings.Bucket, settings.Region, settings.Endpoint, settings.PathStyle);
        var retry = new RetryPolicy(settings.Retry, SecretRedactor.Empty, _logger);
        _client = new S3Client(BackendHttpClient.Get(handler), addressing, new SigV4Signer(settings.Region, "s3"), credentials, retry);
    }

    public string Name => TypeName;

    /// <summary>The factory the registry uses: settings from the configuration and the AWS environment, credentials from the AWS chain.</summary>
    public static ICacheBackend Create(BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = S3SettingsResolver.Resolve(options.Config.S3, options.Environment, options.Logger);
        var context = new CredentialContext(options.Environment, BackendHttpClient.Get(null), settings.Retry, settings.Region, options.Logger);
        return new S3Backend(settings, AwsCredentialChain.Default(context), options.Logger);
    }

    public async Task SaveAsync(string key, string version, string archivePath, CancellationToken cancellationToken)
    {
        var objectKey = await ReserveAsync(key, version, cancellationToken).ConfigureAwait(false);
        var written = await Uploader().UploadAsync(objectKey, archivePath, cancellationToken).ConfigureAwait(false);
        EnsureWritten(written, key);
    }

    /// <summary>
    /// Checks first that the key is free (so an existing entry stops the save before the archive is
    /// finished), uploads parts as the archive grows, and completes only after writing completed and
    /// every part was accepted.
    /// </summary>
    public async Task SaveAsync(string key, string version, GrowingArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var objectKey = await ReserveAsync(key, version, cancellationToken).ConfigureAwait(false);
        var written = await Uploader().UploadAsync(objectKey, archive, cancellationToken).ConfigureAwait(false);
        EnsureWritten(written, key);
    }

    private async Task<string> ReserveAsync(string key, string version, CancellationToken cancellationToken)
    {
        var objectKey = _layout.ObjectKey(version, key);
        if (await _client.HeadAsync(objectKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw Exists(key);
        }

        _logger.Log(CacheLogLevel.Detail, $"Saving cache entry '{key}' to s3://{_settings.Bucket}/{objectKey}.");
        return objectKey;
    }

    private static void EnsureWritten(bool written, string key)
    {
        if (!written)
        {
            // The conditional write found the name taken: another job saved the key meanwhile.
            throw Exists(key);
        }
    }

    private static CacheAlreadyExistsException Exists(string key) => new($"Cache entry '{key}' already exists in the S3 bucket.");

    public async Task<CacheMatch> RestoreAsync(string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken)
    {
        var found = await LookUpAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false);
        await Downloader().DownloadAsync(found.ObjectKey, found.Size, destinationPath, cancellationToken).ConfigureAwait(false);
        return new CacheMatch(found.Key, found.Size);
    }

    public async Task<StreamingDownload> StartRestoreAsync(
        string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken)
    {
        var found = await LookUpAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false);
        var (archive, download) = Downloader().Start(found.ObjectKey, found.Size, destinationPath, cancellationToken);
        return new StreamingDownload(new CacheMatch(found.Key, found.Size), archive, download);
    }

    /// <summary>The exact key first, then each restore key as a prefix: the newest object (by LastModified) under it.</summary>
    private async Task<(string Key, string ObjectKey, long Size)> LookUpAsync(string key, IReadOnlyList<string> restoreKeys, string version, CancellationToken cancellationToken)
    {
        var exact = _layout.ObjectKey(version, key);
        if (await _client.HeadAsync(exact, cancellationToken).ConfigureAwait(false) is { } size)
        {
            _logger.Log(CacheLogLevel.Detail, $"Cache entry '{key}' found at s3://{_settings.Bucket}/{exact}.");
            return (key, exact, size);
        }

        var versionPrefix = _layout.VersionPrefix(version);
        foreach (var restoreKey in restoreKeys)
        {
            var objects = await _client.ListAllAsync(_layout.ObjectKey(version, restoreKey), _settings.ListPageSize, cancellationToken).ConfigureAwait(false);
            var newest = objects
                .OrderByDescending(o => o.LastModified)
                .ThenByDescending(o => o.Key, StringComparer.Ordinal)
                .FirstOrDefault();
            if (newest is not null)
            {
                var matched = newest.Key[versionPrefix.Length..];
                _logger.Log(CacheLogLevel.Detail, $"Restore key '{restoreKey}' matched '{matched}', the newest of {objects.Count}.");
                return (matched, newest.Key, newest.Size);
            }
        }

        throw new CacheNotFoundException($"No S3 cache entry matches '{key}' or any of {restoreKeys.Count} restore keys.");
    }

    public async Task<IReadOnlyList<CacheEntry>> ListAsync(CacheListOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var entries = new List<CacheEntry>();
        foreach (var version in await VersionsAsync(cancellationToken).ConfigureAwait(false))
        {
            var versionPrefix = _layout.VersionPrefix(version);
            var objects = await _client.ListAllAsync(versionPrefix + options.KeyPrefix, _settings.ListPageSize, cancellationToken).ConfigureAwait(false);
            entries.AddRange(objects.Select(o => new CacheEntry
            {
                Key = o.Key[versionPrefix.Length..],
                Size = o.Size,
                CreatedAt = o.LastModified,
                Id = o.Key,
                Version = version,
            }));
        }

        return [.. entries.OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Key, StringComparer.Ordinal)];
    }

    /// <summary>Deletes the key's object in every version namespace; a missing one is not an error.</summary>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        foreach (var version in await VersionsAsync(cancellationToken).ConfigureAwait(false))
        {
            var objectKey = _layout.ObjectKey(version, key);
            await _client.DeleteAsync(objectKey, cancellationToken).ConfigureAwait(false);
            _logger.Log(CacheLogLevel.Detail, $"Deleted s3://{_settings.Bucket}/{objectKey} (if it existed).");
        }
    }

    /// <summary>Deletes the damaged or untrusted entry's object in this version only; a failed delete is described with the command that does it.</summary>
    public async Task<string> RemoveEntryAsync(string key, string version, CancellationToken cancellationToken)
    {
        var objectKey = _layout.ObjectKey(version, key);
        try
        {
            await _client.DeleteAsync(objectKey, cancellationToken).ConfigureAwait(false);
            return $"It was deleted from the S3 bucket '{_settings.Bucket}', so a save can write it again.";
        }
        catch (CacheException e)
        {
            return $"Deleting it from the S3 bucket failed ({e.Message}); delete it with: aws s3 rm 's3://{_settings.Bucket}/{objectKey}'";
        }
    }

    /// <summary>The version namespaces present under the prefix (the "folders" of a delimited listing).</summary>
    private async Task<IReadOnlyList<string>> VersionsAsync(CancellationToken cancellationToken)
    {
        var prefixes = await _client.ListCommonPrefixesAsync(_layout.Prefix, "/", _settings.ListPageSize, cancellationToken).ConfigureAwait(false);
        return [.. prefixes.Select(_layout.VersionOf).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)];
    }

    private S3Uploader Uploader() => new(_client, _settings.Transfer, _logger);

    private S3Downloader Downloader() => new(_client, _settings.Transfer, _logger);
}
