using Atmos.Cache.Backends.Blob;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Backends.GitHub.Rest;
using Atmos.Cache.Backends.GitHub.Twirp;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;

namespace Atmos.Cache.Backends.GitHub;

/// <summary>
/// The GitHub Actions cache: save and restore through the cache service v2 (Twirp JSON plus Azure
/// Blob signed URLs, needing the runner's <c>ACTIONS_RUNTIME_TOKEN</c> and <c>ACTIONS_RESULTS_URL</c>),
/// list and delete through the public REST API (needing a GitHub token and the repository).
/// </summary>
public sealed class GitHubActionsBackend : ICacheBackend, IStreamingSaveBackend, IStreamingRestoreBackend, ICacheLookupBackend, IEntryRemovalBackend
{
    public const string TypeName = BackendNames.GitHubActions;

    private readonly GitHubBackendSettings _settings;
    private readonly ICacheLogger _logger;
    private readonly HttpClient _http;
    private readonly SecretRedactor _redactor;
    private readonly RetryPolicy _retry;

    public GitHubActionsBackend(GitHubBackendSettings settings, ICacheLogger? logger = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Transfer.Validate();
        settings.Retry.Validate();
        _settings = settings;
        _logger = logger ?? NullCacheLogger.Instance;
        _http = BackendHttpClient.Get(handler);
        _redactor = new SecretRedactor(settings.RuntimeToken, settings.RestToken);
        _retry = new RetryPolicy(settings.Retry, _redactor, _logger);
    }

    public string Name => TypeName;

    /// <summary>The factory the registry uses: settings from the environment and the working folder's git remote.</summary>
    public static ICacheBackend Create(BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = GitHubBackendSettings.FromEnvironment(options.Environment, options.Config.WorkingDirectory);
        return new GitHubActionsBackend(settings, options.Logger);
    }

    public Task SaveAsync(string key, string version, string archivePath, CancellationToken cancellationToken)
    {
        var size = new FileInfo(archivePath).Length;
        return SaveReservedAsync(key, version, $"uploading {Sizes.Format(size)}", async (uploader, url, token) =>
            (await uploader.UploadAsync(url, archivePath, token).ConfigureAwait(false)).Size, cancellationToken);
    }

    /// <summary>
    /// Reserves the entry first (so an existing key stops the save before the archive is finished),
    /// uploads blocks as the archive grows, and finalizes only after writing completed and every
    /// byte was accepted.
    /// </summary>
    public Task SaveAsync(string key, string version, GrowingArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return SaveReservedAsync(key, version, "uploading the archive while it is written", async (uploader, url, token) =>
            (await uploader.UploadAsync(url, archive, token).ConfigureAwait(false)).Size, cancellationToken);
    }

    private async Task SaveReservedAsync(
        string key, string version, string what, Func<BlobUploader, Uri, CancellationToken, Task<long>> upload, CancellationToken cancellationToken)
    {
        var service = CacheService();
        var created = await service.CreateCacheEntryAsync(key, version, cancellationToken).ConfigureAwait(false);
        if (!created.Ok || string.IsNullOrEmpty(created.SignedUploadUrl))
        {
            throw new CacheAlreadyExistsException($"Cache entry '{key}' already exists in the GitHub Actions cache, or another job is writing it.");
        }

        var uploadUrl = ParseSignedUrl(created.SignedUploadUrl, "upload");
        _logger.Log(CacheLogLevel.Detail, $"Reserved cache entry '{key}'; {what} to {SecretRedactor.RedactUrl(uploadUrl)}.");
        var size = await upload(new BlobUploader(BlobSender.ForSignedUrls(_http), _retry, _settings.Transfer, _redactor, _logger), uploadUrl, cancellationToken).ConfigureAwait(false);

        // Reached only when every byte was accepted by blob storage.
        var finalized = await service.FinalizeCacheEntryUploadAsync(key, version, size, cancellationToken).ConfigureAwait(false);
        if (!finalized.Ok)
        {
            throw new CacheBackendException($"The GitHub Actions cache refused to finalize entry '{key}' after its upload; run the save again.");
        }

        _logger.Log(CacheLogLevel.Detail, $"Finalized cache entry '{key}' (id {finalized.EntryId}).");
    }

    public async Task<CacheMatch> RestoreAsync(string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken)
    {
        var (matched, downloadUrl) = await LookUpForDownloadAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false);
        var size = await Downloader().DownloadAsync(downloadUrl, destinationPath, cancellationToken).ConfigureAwait(false);
        return new CacheMatch(matched, size);
    }

    /// <summary>
    /// Looks up the entry and learns its size, then returns with the ranged download running; the
    /// archive follows the contiguous prefix of ranges that arrived whole.
    /// </summary>
    public async Task<StreamingDownload> StartRestoreAsync(
        string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken)
    {
        var (matched, downloadUrl) = await LookUpForDownloadAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false);
        var started = await Downloader().StartAsync(downloadUrl, destinationPath, cancellationToken).ConfigureAwait(false);
        return new StreamingDownload(new CacheMatch(matched, started.Size), started.Archive, started.Download);
    }

    private async Task<(string MatchedKey, Uri DownloadUrl)> LookUpForDownloadAsync(string key, IReadOnlyList<string> restoreKeys, string version, CancellationToken cancellationToken)
    {
        var found = await FindAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false)
            ?? throw new CacheNotFoundException($"No GitHub Actions cache entry matches '{key}' or any of {restoreKeys.Count} restore keys.");
        _logger.Log(CacheLogLevel.Detail, $"Cache entry '{found.MatchedKey}' matched; downloading from {SecretRedactor.RedactUrl(found.DownloadUrl)}.");
        return found;
    }

    /// <summary>Resolves the key through the cache service; the signed URL it returns is never fetched.</summary>
    public async Task<CacheMatch?> LookUpAsync(string key, IReadOnlyList<string> restoreKeys, string version, CancellationToken cancellationToken)
    {
        var found = await FindAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false);
        // The lookup answer carries no size, and asking storage for it would touch the blob.
        return found is { } match ? new CacheMatch(match.MatchedKey, 0) : null;
    }

    private async Task<(string MatchedKey, Uri DownloadUrl)?> FindAsync(string key, IReadOnlyList<string> restoreKeys, string version, CancellationToken cancellationToken)
    {
        var found = await CacheService().GetCacheEntryDownloadUrlAsync(key, restoreKeys, version, cancellationToken).ConfigureAwait(false);
        if (!found.Ok || string.IsNullOrEmpty(found.SignedDownloadUrl))
        {
            return null;
        }

        var matched = string.IsNullOrEmpty(found.MatchedKey) ? key : found.MatchedKey;
        return (matched, ParseSignedUrl(found.SignedDownloadUrl, "download"));
    }

    /// <summary>
    /// Deletes the entry through the REST API when a token (with <c>actions: write</c>) and the
    /// repository are known; otherwise, or when that fails, names the command that deletes it. The
    /// REST API deletes by key, so the key's entries in other version namespaces go too.
    /// </summary>
    public async Task<string> RemoveEntryAsync(string key, string version, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_settings.RestToken) || string.IsNullOrEmpty(_settings.Owner) || string.IsNullOrEmpty(_settings.Repo))
        {
            return $"No GitHub token with 'actions: write' is set ({string.Join(", ", GitHubEnvironment.RestTokenVariables)}), so it stays in the cache; delete it with: {DeleteCommand(key)}";
        }

        try
        {
            await RestClient().DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            return "It was deleted from the GitHub Actions cache, so a save can write it again.";
        }
        catch (CacheException e)
        {
            return $"Deleting it from the GitHub Actions cache failed ({e.Message}); delete it with: {DeleteCommand(key)}";
        }
    }

    private string DeleteCommand(string key)
    {
        var repository = string.IsNullOrEmpty(_settings.Owner) || string.IsNullOrEmpty(_settings.Repo) ? "" : $" --repo {_settings.Owner}/{_settings.Repo}";
        return $"gh cache delete {ShellQuote(key)}{repository}";
    }

    private static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private BlobDownloader Downloader() => new(BlobSender.ForSignedUrls(_http), _retry, _settings.Transfer, _redactor, _logger);

    public Task<IReadOnlyList<CacheEntry>> ListAsync(CacheListOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return RestClient().ListAsync(options.KeyPrefix, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => RestClient().DeleteAsync(key, cancellationToken);

    private CacheServiceClient CacheService()
    {
        if (string.IsNullOrEmpty(_settings.RuntimeToken) || string.IsNullOrEmpty(_settings.ResultsUrl))
        {
            throw new CacheUnavailableException(GitHubEnvironment.MissingRuntimeMessage);
        }

        var resultsUrl = CredentialGuard.ParseServiceUrl(_settings.ResultsUrl, GitHubEnvironment.ResultsUrl);
        return new CacheServiceClient(_http, resultsUrl, _settings.RuntimeToken, _retry, _redactor);
    }

    private CachesRestClient RestClient()
    {
        if (string.IsNullOrEmpty(_settings.RestToken))
        {
            throw new CacheUnavailableException(GitHubEnvironment.MissingRestTokenMessage);
        }

        if (string.IsNullOrEmpty(_settings.Owner) || string.IsNullOrEmpty(_settings.Repo))
        {
            throw new CacheUnavailableException(GitHubEnvironment.MissingRepositoryMessage);
        }

        var apiUrl = CredentialGuard.ParseServiceUrl(_settings.ApiUrl, GitHubEnvironment.ApiUrl);
        return new CachesRestClient(_http, apiUrl, _settings.Owner, _settings.Repo, _settings.RestToken, _retry, _redactor);
    }

    private static Uri ParseSignedUrl(string value, string purpose) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "https" or "http"
            ? url
            : throw new CacheBackendException($"The GitHub Actions cache returned a signed {purpose} URL that is not an http(s) URL.");
}
