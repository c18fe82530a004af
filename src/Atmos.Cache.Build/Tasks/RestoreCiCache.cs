using Atmos.Cache.Build.Lifecycle;
using Atmos.Cache.Build.Logging;
using Atmos.Cache.Build.Output;
using Atmos.Cache.Caches;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Microsoft.Build.Framework;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// Restores every cache of the build (the Atmos root, the NuGet packages folder, the user caches): for
/// each, the exact key, else the newest entry matching a restore key. In a build session the restore
/// runs once per build, and later callers wait until it is done. The caches restore side by side, and
/// one that fails never stops the others.
/// </summary>
public sealed class RestoreCiCache : CacheTask
{
    /// <summary>
    /// True when called by a build hook: the automatic mode decides whether to restore, and (with a
    /// <see cref="BuildInstance"/>) this project build is counted as started (see docs/lifecycle.md).
    /// </summary>
    public bool Automatic { get; set; }

    /// <summary>Identifies this project build in the session's open-build count (project path and target framework); empty for the hook before NuGet restore, which starts no build.</summary>
    public string? BuildInstance { get; set; }

    /// <summary>The rendered exact key of the first cache.</summary>
    [Output]
    public string? CacheKey { get; private set; }

    /// <summary>An entry of the first cache was restored, by exact key or by restore-key prefix.</summary>
    [Output]
    public bool CacheHit { get; private set; }

    /// <summary>The first cache's exact key was restored (as <c>cache-hit</c> of actions/cache).</summary>
    [Output]
    public bool ExactMatch { get; private set; }

    /// <summary>The key actually restored into the first cache; empty on a miss.</summary>
    [Output]
    public string? MatchedKey { get; private set; }

    /// <summary>Why this task did not restore (already done in this build, automatic restore off, no backend); empty when it did.</summary>
    [Output]
    public string? SkipReason { get; private set; }

    /// <summary>One item per cache restored: the item spec is the cache's name; metadata <c>Key</c>, <c>Hit</c>, <c>Exact</c>, <c>MatchedKey</c>, <c>Root</c>.</summary>
    [Output]
    public ITaskItem[] Results { get; private set; } = [];

    private protected override string Operation => "restore";

    private protected override string FailureCode => DiagnosticCodes.RestoreFailed;

    private protected override System.Threading.Tasks.Task ExecuteAsync(CacheConfig config, CancellationToken cancellationToken) =>
        ExecuteAsync(new CacheSet(config, [config]), cancellationToken);

    private protected override async System.Threading.Tasks.Task ExecuteAsync(CacheSet set, CancellationToken cancellationToken)
    {
        CacheKey = set.Caches.Count > 0 ? set.Caches[0].Key : set.Shared.Key;
        var outcomes = await RestoreOncePerBuildAsync(set, cancellationToken).ConfigureAwait(false);

        // After the ledger is released: reporting a failure here consults the session again.
        foreach (var outcome in outcomes)
        {
            if (outcome.Failure is { } failure)
            {
                var code = failure is CacheIntegrityException ? DiagnosticCodes.EntryCorrupt : FailureCode;
                await ReportFailureAsync(failure, code, outcome.Cache).ConfigureAwait(false);
                if (failure is CacheIntegrityException)
                {
                    // Refused before the merge: nothing was restored, so a required cache is missing too.
                    FailIfRequired(outcome.Cache, hit: false);
                }
            }
        }

        if (outcomes.FirstOrDefault()?.Result is { } first)
        {
            await WriteStepOutputsAsync(first).ConfigureAwait(false);
        }
    }

    /// <summary>What happened to one cache: its result, or the failure reported once the ledger is released.</summary>
    private sealed record Outcome(CacheConfig Cache, RestoreResult? Result, Exception? Failure);

    private async Task<IReadOnlyList<Outcome>> RestoreOncePerBuildAsync(CacheSet set, CancellationToken cancellationToken)
    {
        var wanted = !Automatic || set.Shared.AutoRestoreEnabled;
        var keys = set.Caches.ToDictionary(c => c.Name, c => c.Key, StringComparer.Ordinal);

        // A granted claim keeps the ledger locked for the whole restore, so other projects of this
        // build wait here until every root is complete before they compile (or restore packages).
        using var claim = Session is null
            ? null
            : await Session.BeginProjectBuildAsync(Automatic ? BuildInstance : null, wanted, keys, cancellationToken).ConfigureAwait(false);
        if (!wanted)
        {
            Skip($"automatic restore is off (auto mode '{set.Shared.Auto.ToString().ToLowerInvariant()}')");
            return [];
        }

        if (claim is { IsGranted: false })
        {
            Skip("already done in this build");
            return [];
        }

        ReportCacheChoices(set);
        if (set.Caches.Count == 0)
        {
            Skip("no cache to restore");
            return [];
        }

        // Once per build (the restore is): a pattern that matches nothing gives a constant key part.
        foreach (var cache in set.Caches)
        {
            foreach (var pattern in cache.UnmatchedFilePatterns)
            {
                Log.LogMessage(MessageImportance.Normal, "{0}", $"{SummaryLine.PrefixFor(cache)}the hashFiles pattern '{pattern}' of the cache key matches no file (relative to '{cache.BaseDirectory}'), so its part of the key never changes; check it for a typo.");
            }
        }

        var outcomes = await Task.WhenAll(set.Caches.Select(cache => RestoreOneAsync(cache, claim, cancellationToken))).ConfigureAwait(false);
        Results = [.. outcomes.Where(o => o.Result is not null).Select(o => ToItem(o.Cache, o.Result!))];
        if (outcomes[0].Result is { } first)
        {
            CacheHit = first.Hit;
            ExactMatch = first.Hit && first.Exact;
            MatchedKey = first.MatchedKey ?? "";
        }

        return outcomes;
    }

    private async Task<Outcome> RestoreOneAsync(CacheConfig cache, RestoreClaim? claim, CancellationToken cancellationToken)
    {
        // Off the caller's thread at once, so the caches really restore side by side.
        await System.Threading.Tasks.Task.Yield();
        var manager = CreateManager(cache);
        if (manager is null)
        {
            SkipReason = "no cache backend";
            return new Outcome(cache, null, null);
        }

        RestoreResult result;
        try
        {
            result = await manager.RestoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            if (e is CacheUnavailableException or CacheBackendException)
            {
                // The service is unreachable or refuses us: the save of this cache in this build would
                // only wait out the same retries and give a second warning for the same outage.
                claim?.RecordOutage(cache.Name);
            }

            if (e is CacheConfigurationException)
            {
                throw;
            }

            return new Outcome(cache, null, e);
        }

        foreach (var rejected in result.Rejected)
        {
            Log.LogWarning(null, DiagnosticCodes.EntryUntrusted, null, null, 0, 0, 0, 0, "{0}", SummaryLine.PrefixFor(cache) + rejected.Message);
        }

        Log.LogMessage(result.Reason == SkipReasons.AlreadyRestored ? MessageImportance.Normal : MessageImportance.High, "{0}", SummaryLine.ForRestore(result, cache));
        if (result.Reason is null || result.Reason == SkipReasons.AlreadyRestored)
        {
            FailIfRequired(cache, result.Hit);
        }

        return new Outcome(cache, result, null);
    }

    private static ITaskItem ToItem(CacheConfig cache, RestoreResult result) => new Microsoft.Build.Utilities.TaskItem(cache.Name, new Dictionary<string, string>
    {
        ["Key"] = result.Key,
        ["Hit"] = result.Hit ? "true" : "false",
        ["Exact"] = result.Hit && result.Exact ? "true" : "false",
        ["MatchedKey"] = result.MatchedKey ?? "",
        ["Root"] = cache.Root,
    });

    /// <summary><c>AtmosCacheFailOnMiss</c>: a coded error when nothing matched (as actions/cache's <c>fail-on-cache-miss</c>).</summary>
    private void FailIfRequired(CacheConfig cache, bool hit)
    {
        if (cache.FailOnMiss && !hit)
        {
            Log.LogError(null, DiagnosticCodes.RequiredCacheMissing, null, null, 0, 0, 0, 0, "{0}",
                $"{SummaryLine.PrefixFor(cache)}no cache entry matches '{cache.Key}' or any restore key, and AtmosCacheFailOnMiss is true.");
        }
    }

    private void Skip(string reason)
    {
        SkipReason = reason;
        LogDetail($"restore skipped for '{CacheKey}': {reason}.");
    }

    /// <summary>Inside GitHub Actions: <c>cache-hit</c> (exact hits only, like actions/cache) and <c>cache-matched-key</c> of the first cache.</summary>
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
