using Atmos.Cache.Backends;
using Atmos.Cache.Caches;
using Atmos.Cache.Build.Lifecycle;
using Atmos.Cache.Build.Logging;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// The shared base of the cache tasks: maps the MSBuild properties to <see cref="CacheSettings"/>,
/// resolves the one configuration, picks the backend, runs the operation asynchronously with the
/// build's cancellation, and turns failures into coded warnings (or errors when strict).
/// Tokens are never task parameters: the engine reads them from the environment.
/// </summary>
public abstract class CacheTask : Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();
    private CacheConfig? _config;

    /// <summary><c>AtmosCacheEnabled</c>: the master switch.</summary>
    public string? Enabled { get; set; }

    /// <summary><c>AtmosCacheAuto</c>: <c>off</c>, <c>restore</c>, <c>save</c> or <c>both</c>.</summary>
    public string? Auto { get; set; }

    /// <summary><c>AtmosCacheRoot</c>: the directory that is archived.</summary>
    public string? Root { get; set; }

    /// <summary><c>AtmosCachePaths</c>: root-relative include paths, <c>;</c>-separated.</summary>
    public string? Paths { get; set; }

    /// <summary><c>AtmosCacheKey</c>: the key template.</summary>
    public string? Key { get; set; }

    /// <summary><c>AtmosCacheRestoreKeys</c>: restore-key templates, <c>;</c>-separated.</summary>
    public string? RestoreKeys { get; set; }

    /// <summary><c>AtmosCacheCompression</c>: <c>gzip</c> or <c>zstd</c>.</summary>
    public string? Compression { get; set; }

    /// <summary><c>AtmosCacheBackend</c>: <c>auto</c>, <c>github/actions</c>, <c>local</c> or <c>none</c>.</summary>
    public string? Backend { get; set; }

    /// <summary><c>AtmosCacheLocalDirectory</c>: the store of the <c>local</c> backend.</summary>
    public string? LocalDirectory { get; set; }

    /// <summary><c>AtmosCacheS3Bucket</c>: the bucket of the <c>s3</c> backend.</summary>
    public string? S3Bucket { get; set; }

    /// <summary><c>AtmosCacheS3Prefix</c>: prepended to object names (default <c>atmos-cache/</c>).</summary>
    public string? S3Prefix { get; set; }

    /// <summary><c>AtmosCacheS3Region</c>: the region requests are signed for.</summary>
    public string? S3Region { get; set; }

    /// <summary><c>AtmosCacheS3Endpoint</c>: a custom endpoint (R2, MinIO, Ceph).</summary>
    public string? S3Endpoint { get; set; }

    /// <summary><c>AtmosCacheS3PathStyle</c>: address the bucket in the path instead of the host name.</summary>
    public string? S3PathStyle { get; set; }

    /// <summary><c>AtmosCacheFailOnError</c>: make cache failures errors instead of warnings.</summary>
    public string? FailOnError { get; set; }

    /// <summary><c>AtmosCacheReadOnly</c>: restore, never save.</summary>
    public string? ReadOnly { get; set; }

    /// <summary><c>AtmosCacheLookupOnly</c>: a restore resolves and reports the match without downloading it.</summary>
    public string? LookupOnly { get; set; }

    /// <summary><c>AtmosCacheFailOnMiss</c>: a restore that matches nothing fails the build.</summary>
    public string? FailOnMiss { get; set; }

    /// <summary><c>AtmosCacheRequireSignature</c>: with a signing key, unsigned entries are misses (default true).</summary>
    public string? RequireSignature { get; set; }

    /// <summary><c>AtmosCacheConfigFile</c>: an explicit <c>atmos.yaml</c>.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>Where the <c>atmos.yaml</c> and repository-root searches start: the project folder.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary><c>AtmosCacheBaseDirectory</c>: the folder relative paths in keys, root and lockfile resolve against.</summary>
    public string? BaseDirectory { get; set; }

    /// <summary>The base folder outside a repository without <c>atmos.yaml</c>: the solution or entry folder.</summary>
    public string? DefaultBaseDirectory { get; set; }

    /// <summary>
    /// The settings as one item list (the targets' <c>_AtmosCacheSetting</c>): the item spec names the
    /// setting (<c>Root</c>, <c>Key</c>...), metadata <c>Value</c> holds it. A non-empty value here
    /// wins over the matching property above.
    /// </summary>
    public ITaskItem[]? Settings { get; set; }

    /// <summary>
    /// The user caches: <c>@(AtmosCache)</c> items, the item spec names the cache and metadata <c>Root</c>,
    /// <c>Key</c>, <c>RestoreKeys</c> and <c>Paths</c> describe it.
    /// </summary>
    public ITaskItem[]? Caches { get; set; }

    /// <summary><c>AtmosCacheName</c>: the cache a manual list, delete or paths target works on (default: the Atmos cache).</summary>
    public string? CacheName { get; set; }

    /// <summary>
    /// The id of the current build, shared by every project and node (from <c>AtmosCache.Session.proj</c>).
    /// With it, an operation runs once per build and a warning is given once per build; empty when
    /// the task is called on its own.
    /// </summary>
    public string? SessionId { get; set; }

    /// <summary>The environment the configuration and the backends read; a seam for tests.</summary>
    internal IEnvironment Environment { get; set; } = ProcessEnvironment.Instance;

    /// <summary>The configuration resolution; a seam for tests.</summary>
    internal Func<CacheSettings, IEnvironment, CacheConfig> ResolveConfiguration { get; set; } = ConfigResolver.Resolve;

    /// <summary>Every cache of the build; by default the engine's resolution, or one cache from <see cref="ResolveConfiguration"/> when a test replaced it.</summary>
    private CacheSet ResolveCaches(CacheSettings settings, IReadOnlyList<UserCacheSettings> userCaches, IEnvironment environment)
    {
        if (ResolveConfiguration.Equals((Func<CacheSettings, IEnvironment, CacheConfig>)ConfigResolver.Resolve))
        {
            return CacheSetResolver.Resolve(settings, userCaches, environment);
        }

        var config = ResolveConfiguration(settings, environment);
        return new CacheSet(config, [config]);
    }

    /// <summary>The backends the configured name is looked up in; a seam for tests.</summary>
    internal BackendCatalog Backends { get; set; } = BackendRegistry.Shared;

    /// <summary>The operation's name in messages, e.g. <c>restore</c>.</summary>
    private protected abstract string Operation { get; }

    /// <summary>The warning code of a failed operation.</summary>
    private protected abstract string FailureCode { get; }

    internal CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Called by MSBuild when the build is cancelled (Ctrl+C).</summary>
    public void Cancel() => _cancellation.Cancel();

    public sealed override bool Execute()
    {
        ExecuteAndReportAsync().GetAwaiter().GetResult();
        return !Log.HasLoggedErrors;
    }

    private async System.Threading.Tasks.Task ExecuteAndReportAsync()
    {
        try
        {
            await RunAsync(_cancellation.Token).ConfigureAwait(false);
        }
        catch (CacheConfigurationException e)
        {
            Log.LogError(null, DiagnosticCodes.ConfigurationError, null, null, 0, 0, 0, 0, "{0}", SummaryLine.Prefix + e.Message);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            Log.LogMessage(MessageImportance.Normal, "{0}", $"{SummaryLine.Prefix}{Operation} cancelled.");
        }
        catch (Exception e)
        {
            // Backend, archive, network and disk failures: the cache is an optimisation, so by
            // default the build goes on without it.
            await ReportFailureAsync(e).ConfigureAwait(false);
        }
    }

    private async System.Threading.Tasks.Task RunAsync(CancellationToken cancellationToken)
    {
        var userCaches = UserCaches();
        var set = ResolvedConfigurations.Resolve(BuildEngine, ToCacheSettings(), userCaches, Environment, ResolveCaches);
        _config = set.Shared;
        Session = BuildSession.Join(SessionId, set.LedgerRoot, text => Log.LogMessage(MessageImportance.Normal, "{0}", SummaryLine.Prefix + text));
        if (!set.Shared.Enabled)
        {
            Log.LogMessage(MessageImportance.Low, "{0}", $"{SummaryLine.Prefix}{Operation} skipped: {InactiveReasons.Disabled}.");
            return;
        }

        foreach (var cache in set.Caches)
        {
            await ReportSkippedRestoreKeysAsync(cache).ConfigureAwait(false);
        }

        await ExecuteAsync(set, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The operation over every cache of the build; by default on the one cache <see cref="CacheName"/> selects.</summary>
    private protected virtual System.Threading.Tasks.Task ExecuteAsync(CacheSet set, CancellationToken cancellationToken) =>
        ExecuteAsync(SelectedCache(set), cancellationToken);

    /// <summary>The cache <c>AtmosCacheName</c> names, else the Atmos cache's configuration.</summary>
    private protected CacheConfig SelectedCache(CacheSet set)
    {
        var name = TaskSettings.ToDictionary(Settings).GetValueOrDefault(nameof(CacheName)) is { Length: > 0 } fromItems ? fromItems : CacheName;
        if (string.IsNullOrWhiteSpace(name))
        {
            return set.Shared;
        }

        return set.Find(name.Trim())
            ?? (string.Equals(name.Trim(), set.Shared.Name, StringComparison.OrdinalIgnoreCase) ? set.Shared : null)
            ?? throw new CacheConfigurationException(
                $"There is no cache named '{name.Trim()}' in this build (AtmosCacheName). The caches are: {string.Join(", ", set.Caches.Select(c => c.Name).DefaultIfEmpty("none"))}.");
    }

    private IReadOnlyList<UserCacheSettings> UserCaches() =>
    [
        .. (Caches ?? []).Select(item => new UserCacheSettings
        {
            Name = item.ItemSpec,
            Root = NonEmpty(item.GetMetadata("Root")),
            Key = NonEmpty(item.GetMetadata("Key")),
            RestoreKeys = NonEmpty(item.GetMetadata("RestoreKeys")),
            Paths = NonEmpty(item.GetMetadata("Paths")),
            Source = $"the AtmosCache item '{item.ItemSpec}'",
        }),
    ];

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>This build's session (every once-per-build rule), or null when the task runs outside one.</summary>
    private protected BuildSession? Session { get; private set; }

    /// <summary>The operation, with the resolved and enabled configuration.</summary>
    private protected abstract System.Threading.Tasks.Task ExecuteAsync(CacheConfig config, CancellationToken cancellationToken);

    /// <summary>The manager over the configured backend, or null (with a Low message saying why) when there is none.</summary>
    private protected CacheManager? CreateManager(CacheConfig config)
    {
        var logger = new TaskCacheLogger(Log, SummaryLine.PrefixFor(config));
        var backend = BackendSelector.Select(config, Environment, logger, Backends, out var reason);
        if (backend is null)
        {
            Log.LogMessage(MessageImportance.Low, "{0}", $"{SummaryLine.Prefix}{Operation} skipped: {reason}.");
            return null;
        }

        return new CacheManager(backend, config, logger);
    }

    private protected void LogSummary(string line) => Log.LogMessage(MessageImportance.High, "{0}", line);

    /// <summary>
    /// The notes (Low) and advice (Normal, once per build) of how the caches were chosen. Said by the
    /// restore: it runs once per build, so the advice does not repeat in every project.
    /// </summary>
    private protected void ReportCacheChoices(CacheSet set)
    {
        foreach (var note in set.Notes)
        {
            LogDetail(note + ".");
        }

        foreach (var advice in set.Advice)
        {
            Log.LogMessage(MessageImportance.High, "{0}", SummaryLine.Prefix + advice);
        }
    }

    private protected void LogDetail(string text) => Log.LogMessage(MessageImportance.Low, "{0}", SummaryLine.Prefix + text);

    /// <summary>
    /// A failure of the cache: a warning once per build (later repeats go to the Low log), or an
    /// error with <c>AtmosCacheFailOnError=true</c>. Called with no ledger open.
    /// </summary>
    private protected async System.Threading.Tasks.Task ReportFailureAsync(Exception exception, string? code = null, CacheConfig? cache = null)
    {
        code ??= FailureCode;
        var prefix = cache is null ? SummaryLine.Prefix : SummaryLine.PrefixFor(cache);
        var message = $"{prefix}{Operation} failed: {Describe(exception)}";
        Log.LogMessage(MessageImportance.Low, "{0}", $"{prefix}{Operation} failure details: {exception}");
        if (IsStrict())
        {
            Log.LogError(null, code, null, null, 0, 0, 0, 0, "{0}", message);
            return;
        }

        // Once per build and cache: two caches failing are two problems.
        if (!await IsFirstWarningOfBuildAsync(cache is null ? code : $"{code}:{cache.Name}").ConfigureAwait(false))
        {
            Log.LogMessage(MessageImportance.Low, "{0}", message + " (already reported in this build)");
            return;
        }

        Log.LogWarning(null, code, null, null, 0, 0, 0, 0, "{0}", message + " The build continues without the cache; set AtmosCacheFailOnError=true to make this an error.");
    }

    // One warning per failing template and build (every project resolves the same configuration).
    private async System.Threading.Tasks.Task ReportSkippedRestoreKeysAsync(CacheConfig config)
    {
        foreach (var skipped in config.SkippedRestoreKeys)
        {
            var message = $"{SummaryLine.Prefix}the restore key template \"{skipped.Template}\" was left out: {skipped.Reason}";
            if (await IsFirstWarningOfBuildAsync(DiagnosticCodes.RestoreKeySkipped + ":" + skipped.Template).ConfigureAwait(false))
            {
                Log.LogWarning(null, DiagnosticCodes.RestoreKeySkipped, null, null, 0, 0, 0, 0, "{0}", message);
            }
            else
            {
                Log.LogMessage(MessageImportance.Low, "{0}", message + " (already reported in this build)");
            }
        }
    }

    private bool IsStrict() =>
        _config?.FailOnError ?? string.Equals((TaskSettings.ToDictionary(Settings).GetValueOrDefault(nameof(FailOnError)) ?? FailOnError)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    private async Task<bool> IsFirstWarningOfBuildAsync(string code)
    {
        if (Session is null)
        {
            return true;
        }

        try
        {
            return await Session.FirstWarningAsync(code, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        CacheException or IOException or UnauthorizedAccessException or HttpRequestException => exception.Message,
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    private CacheSettings ToCacheSettings()
    {
        var items = TaskSettings.ToDictionary(Settings);
        string? Pick(string name, string? property) => items.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : property;
        var workingDirectory = Pick(nameof(WorkingDirectory), WorkingDirectory);
        return new CacheSettings
        {
            Enabled = Pick(nameof(Enabled), Enabled),
            Auto = Pick(nameof(Auto), Auto),
            Root = Pick(nameof(Root), Root),
            Paths = Pick(nameof(Paths), Paths),
            Key = Pick(nameof(Key), Key),
            RestoreKeys = Pick(nameof(RestoreKeys), RestoreKeys),
            Compression = Pick(nameof(Compression), Compression),
            Backend = Pick(nameof(Backend), Backend),
            LocalDirectory = Pick(nameof(LocalDirectory), LocalDirectory),
            FailOnError = Pick(nameof(FailOnError), FailOnError),
            ReadOnly = Pick(nameof(ReadOnly), ReadOnly),
            LookupOnly = Pick(nameof(LookupOnly), LookupOnly),
            FailOnMiss = Pick(nameof(FailOnMiss), FailOnMiss),
            RequireSignature = Pick(nameof(RequireSignature), RequireSignature),
            S3Bucket = Pick(nameof(S3Bucket), S3Bucket),
            S3Prefix = Pick(nameof(S3Prefix), S3Prefix),
            S3Region = Pick(nameof(S3Region), S3Region),
            S3Endpoint = Pick(nameof(S3Endpoint), S3Endpoint),
            S3PathStyle = Pick(nameof(S3PathStyle), S3PathStyle),
            ConfigFile = Pick(nameof(ConfigFile), ConfigFile),
            WorkingDirectory = string.IsNullOrWhiteSpace(workingDirectory) ? ProjectDirectory() : workingDirectory,
            BaseDirectory = Pick(nameof(BaseDirectory), BaseDirectory),
            DefaultBaseDirectory = Pick(nameof(DefaultBaseDirectory), DefaultBaseDirectory),
            Form = Pick("Form", null),
            NuGet = Pick("NuGet", null),
            NuGetRoot = Pick("NuGetRoot", null),
            NuGetKey = Pick("NuGetKey", null),
            NuGetRestoreKeys = Pick("NuGetRestoreKeys", null),
            RestorePackagesPath = Pick("RestorePackagesPath", null),
        };
    }

    private string? ProjectDirectory() =>
        BuildEngine?.ProjectFileOfTaskNode is { Length: > 0 } project ? System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(project)) : null;
}
