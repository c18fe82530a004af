using Atmos.Cache.Build.Logging;
using Atmos.Cache.Build.Output;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Microsoft.Build.Framework;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// Restores the cache root: the exact key, else the newest entry matching a restore key. In a
/// build session the restore runs once per build, and later callers wait until it is done.
/// </summary>
public sealed class RestoreCiCache : CacheTask
{
    /// <summary>
    /// True when called by the build hook: the automatic mode decides whether to restore, and this
    /// project build is counted as started (see docs/lifecycle.md).
    /// </summary>
    public bool Automatic { get; set; }

    /// <summary>Identifies this project build in the session's open-build count (project path and target framework).</summary>
    public string? BuildInstance { get; set; }

    /// <summary>The rendered exact key.</summary>
    [Output]
    public string? CacheKey { get; private set; }

    /// <summary>An entry was restored, by exact key or by restore-key prefix.</summary>
    [Output]
    public bool CacheHit { get; private set; }

    /// <summary>The exact key was restored (as <c>cache-hit</c> of actions/cache).</summary>
    [Output]
    public bool ExactMatch { get; private set; }

    /// <summary>The key actually restored; empty on a miss.</summary>
    [Output]
    public string? MatchedKey { get; private set; }

    /// <summary>Why this task did not restore (already done in this build, automatic restore off, no backend); empty when it did.</summary>
    [Output]
    public string? SkipReason { get; private set; }

    private protected override string Operation => "restore";

    private protected override string FailureCode => DiagnosticCodes.RestoreFailed;

    private protected override async System.Threading.Tasks.Task ExecuteAsync(CacheConfig config, CancellationToken cancellationToken)
    {
        CacheKey = config.Key;
        var result = await RestoreOncePerBuildAsync(config, cancellationToken).ConfigureAwait(false);

        // After the ledger is released: reporting a failure here consults the session again.
        if (_refused is not null)
        {
            // Refused before the merge: nothing was restored, so a required cache is missing too.
            await ReportFailureAsync(_refused, DiagnosticCodes.EntryCorrupt).ConfigureAwait(false);
            FailIfRequired(config, hit: false);
        }

        if (result is not null)
        {
            await WriteStepOutputsAsync(result).ConfigureAwait(false);
        }
    }

    private CacheIntegrityException? _refused;

    private async Task<RestoreResult?> RestoreOncePerBuildAsync(CacheConfig config, CancellationToken cancellationToken)
    {
        var wanted = !Automatic || config.AutoRestoreEnabled;

        // A granted claim keeps the ledger locked for the whole restore, so other projects of this
        // build wait here until the root is complete before they compile.
        using var claim = Session is null
            ? null
            : await Session.BeginProjectBuildAsync(Automatic ? BuildInstance : null, wanted, config.Key, cancellationToken).ConfigureAwait(false);
        if (!wanted)
        {
            Skip($"automatic restore is off (auto mode '{config.Auto.ToString().ToLowerInvariant()}')");
            return null;
        }

        if (claim is { IsGranted: false })
        {
            Skip("already done in this build");
            return null;
        }

        // Once per build (the restore is): a pattern that matches nothing gives a constant key part.
        foreach (var pattern in config.UnmatchedFilePatterns)
        {
            Log.LogMessage(MessageImportance.Normal, "{0}", $"{SummaryLine.Prefix}the hashFiles pattern '{pattern}' of the cache key matches no file (relative to '{config.WorkingDirectory}'), so its part of the key never changes; check it for a typo.");
        }

        var manager = CreateManager(config);
        if (manager is null)
        {
            SkipReason = "no cache backend";
            return null;
        }

        RestoreResult result;
        try
        {
            result = await manager.RestoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CacheIntegrityException e)
        {
            // Reported once the ledger is released (the report consults the session).
            _refused = e;
            return null;
        }
        catch (Exception e) when (e is CacheUnavailableException or CacheBackendException)
        {
            // The service is unreachable or refuses us: the save of this build would only wait out
            // the same retries and give a second warning for the same outage.
            claim?.RecordOutage();
            throw;
        }

        foreach (var rejected in result.Rejected)
        {
            Log.LogWarning(null, DiagnosticCodes.EntryUntrusted, null, null, 0, 0, 0, 0, "{0}", SummaryLine.Prefix + rejected.Message);
        }

        CacheHit = result.Hit;
        ExactMatch = result.Hit && result.Exact;
        MatchedKey = result.MatchedKey ?? "";
        LogSummary(SummaryLine.ForRestore(result));
        if (result.Reason is null || result.Reason == SkipReasons.AlreadyRestored)
        {
            FailIfRequired(config, result.Hit);
        }

        return result;
    }

    /// <summary><c>AtmosCacheFailOnMiss</c>: a coded error when nothing matched (as actions/cache's <c>fail-on-cache-miss</c>).</summary>
    private void FailIfRequired(CacheConfig config, bool hit)
    {
        if (config.FailOnMiss && !hit)
        {
            Log.LogError(null, DiagnosticCodes.RequiredCacheMissing, null, null, 0, 0, 0, 0, "{0}",
                $"{SummaryLine.Prefix}no cache entry matches '{config.Key}' or any restore key, and AtmosCacheFailOnMiss is true.");
        }
    }

    private void Skip(string reason)
    {
        SkipReason = reason;
        LogDetail($"restore skipped for '{CacheKey}': {reason}.");
    }

    /// <summary>Inside GitHub Actions: <c>cache-hit</c> (exact hits only, like actions/cache) and <c>cache-matched-key</c>.</summary>
    private async System.Threading.Tasks.Task WriteStepOutputsAsync(RestoreResult result)
    {
        var path = Environment.Get(GitHubOutputFile.Variable);
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        try
        {
            GitHubOutputFile.Append(path!,
            [
                new("cache-hit", result.Hit && result.Exact ? "true" : "false"),
                new("cache-matched-key", result.MatchedKey ?? ""),
            ]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await ReportFailureAsync(e, DiagnosticCodes.GitHubOutputFailed).ConfigureAwait(false);
        }
    }
}
