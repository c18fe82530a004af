using Atmos.Cache.Build.Lifecycle;
using Atmos.Cache.Build.Logging;
using Atmos.Cache.Caches;
using Atmos.Cache.Caches.NuGet;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Microsoft.Build.Framework;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// Saves every cache of the build under its exact key. Called by the build hook, it counts this project
/// build as finished and saves only when the whole build is done: no project build of this session is
/// still open and every project of the solution that uses the package has finished (see
/// docs/lifecycle.md). Entries are write-once, so an early save would store incomplete content for
/// good; a deferred save costs nothing. One cache failing never stops the others.
/// </summary>
public sealed class SaveCiCache : CacheTask
{
    /// <summary>True when called by the build hook: this project build is counted as finished and the automatic mode decides.</summary>
    public bool Automatic { get; set; }

    /// <summary>Identifies this project build in the session's open-build count; the same value the restore hook passed.</summary>
    public string? BuildInstance { get; set; }

    /// <summary>The full path of the project (<c>$(MSBuildProjectFullPath)</c>).</summary>
    public string? ProjectPath { get; set; }

    /// <summary><c>$(CurrentSolutionConfigurationContents)</c>: in a solution build, every project of the solution.</summary>
    public string? SolutionConfiguration { get; set; }

    /// <summary><c>$(MSBuildProjectExtensionsPath)</c>: where NuGet wrote this project's imports (finds siblings under the artifacts layout).</summary>
    public string? ProjectExtensionsPath { get; set; }

    /// <summary>The rendered exact key of the first cache.</summary>
    [Output]
    public string? CacheKey { get; private set; }

    /// <summary>Every cache due was uploaded, or found already present remotely.</summary>
    [Output]
    public bool Saved { get; private set; }

    /// <summary>Why nothing was uploaded (exact hit, already saved, build still running...); empty when it was.</summary>
    [Output]
    public string? SkipReason { get; private set; }

    /// <summary>Other project builds of this build are still running, so the save was left to the last one.</summary>
    [Output]
    public bool Deferred { get; private set; }

    private protected override string Operation => "save";

    private protected override string FailureCode => DiagnosticCodes.SaveFailed;

    private protected override System.Threading.Tasks.Task ExecuteAsync(CacheConfig config, CancellationToken cancellationToken) =>
        ExecuteAsync(new CacheSet(config, [config]), cancellationToken);

    private protected override async System.Threading.Tasks.Task ExecuteAsync(CacheSet set, CancellationToken cancellationToken)
    {
        var keys = set.Caches.ToDictionary(c => c.Name, c => c.Key, StringComparer.Ordinal);
        CacheKey = set.Caches.Count > 0 ? set.Caches[0].Key : set.Shared.Key;
        var wanted = !Automatic || set.Shared.AutoSaveEnabled;
        var decision = Session is null
            ? (wanted ? SaveDecision.Granted(keys) : SaveDecision.Off(keys))
            : Automatic
                ? await Session.EndProjectBuildAsync(ThisProjectBuild(), wanted, keys, cancellationToken).ConfigureAwait(false)
                : await Session.ClaimSaveAsync(keys, cancellationToken).ConfigureAwait(false);
        if (decision.Keys.Count > 0)
        {
            CacheKey = decision.Keys.Values.First();
        }

        switch (decision.Verdict)
        {
            case SaveVerdict.Deferred:
                Deferred = true;
                Skip($"the build is not finished ({decision.Reason})");
                if (decision.Stalled)
                {
                    LogSummary($"{SummaryLine.Prefix}not saved yet: no project build is running, but {decision.Reason}. If this build ends without building them, nothing is saved for '{CacheKey}'. " +
                        $"Build them in this build (reference the package only from projects this command builds), or add a last CI step: dotnet build {ProjectFileName()} -t:SaveCiCache");
                }

                return;
            case SaveVerdict.Off:
                Skip($"automatic save is off (auto mode '{set.Shared.Auto.ToString().ToLowerInvariant()}')");
                return;
            case SaveVerdict.AlreadyDone:
                Skip("already done in this build");
                return;
        }

        var allSaved = set.Caches.Count > 0;
        foreach (var cache in set.Caches)
        {
            // The key this build's restore resolved: the files it hashes may have changed since.
            var config = decision.Keys.TryGetValue(cache.Name, out var pinned) && pinned != cache.Key ? cache with { Key = pinned } : cache;
            if (!ReferenceEquals(config, cache))
            {
                LogDetail($"saving the {cache.Name} cache under '{pinned}', the key this build's restore resolved (the files it hashes now give '{cache.Key}').");
            }

            if (decision.Verdict == SaveVerdict.Blocked || decision.Outages.Contains(cache.Name, StringComparer.Ordinal))
            {
                // Said at the summary's importance: the build ends without the save its mode asks for.
                SkipReason = "the cache service failed during this build's restore";
                LogSummary($"{SummaryLine.PrefixFor(config)}not saved '{config.Key}': the cache service failed during this build's restore (see the warning above), so the save was not tried. The next build that reaches the service saves it.");
                allSaved = false;
                continue;
            }

            allSaved &= await SaveOneAsync(config, decision, cancellationToken).ConfigureAwait(false);
        }

        Saved = allSaved;
    }

    private async Task<bool> SaveOneAsync(CacheConfig cache, SaveDecision decision, CancellationToken cancellationToken)
    {
        string? note = null;
        if (cache.Kind == CacheKind.NuGet && cache.Includes.Count == 0)
        {
            // The packages this build's restores used, not every package a prefix hit carried forward.
            var selection = NuGetSaveSelection.Select(cache.Root, decision.AssetsFiles, cache.BaseDirectory);
            if (selection.PackagesKept == 0)
            {
                LogSummary($"{SummaryLine.PrefixFor(cache)}save skipped for '{cache.Key}': no package in {SummaryLine.Display(cache.Root)} to save");
                return false;
            }

            cache = cache with { Includes = selection.Includes, Excludes = selection.Excludes };
            if (selection.LeftOut.Count > 0)
            {
                LogDetail($"the {cache.Name} cache leaves out {selection.LeftOut.Count} package(s) no project of this build used: {string.Join(", ", selection.LeftOut.Take(20))}{(selection.LeftOut.Count > 20 ? ", ..." : "")}.");
            }

            note = selection.PackagesLeftOut == 0
                ? $"{selection.PackagesKept:N0} packages"
                : $"{selection.PackagesKept:N0} packages; {selection.PackagesLeftOut:N0} left out, not used by this build";
            if (selection.Excludes.Count > 0)
            {
                note += $"; {selection.Excludes.Count:N0} .nupkg files left out, NuGet reads the extracted files";
            }
        }

        var manager = CreateManager(cache);
        if (manager is null)
        {
            SkipReason = "no cache backend";
            return false;
        }

        try
        {
            var result = await manager.SaveAsync(cancellationToken).ConfigureAwait(false);
            SkipReason = result.Skipped ? result.Reason : "";
            LogSummary(SummaryLine.ForSave(result, cache, result.Skipped ? null : note));
            return result.Saved;
        }
        catch (Exception e) when (e is not (OperationCanceledException or CacheConfigurationException))
        {
            await ReportFailureAsync(e, FailureCode, cache).ConfigureAwait(false);
            return false;
        }
    }

    private ProjectBuildEnd ThisProjectBuild()
    {
        var project = string.IsNullOrEmpty(ProjectPath) ? BuildEngine?.ProjectFileOfTaskNode ?? "" : ProjectPath!;
        return new ProjectBuildEnd(string.IsNullOrEmpty(BuildInstance) ? project : BuildInstance!, project, SolutionConfiguration, ProjectExtensionsPath);
    }

    private string ProjectFileName()
    {
        var project = string.IsNullOrEmpty(ProjectPath) ? BuildEngine?.ProjectFileOfTaskNode : ProjectPath;
        return string.IsNullOrEmpty(project) ? "<project>" : System.IO.Path.GetFileName(project);
    }

    private void Skip(string reason)
    {
        SkipReason = reason;
        LogDetail($"save skipped for '{CacheKey}': {reason}.");
    }
}
