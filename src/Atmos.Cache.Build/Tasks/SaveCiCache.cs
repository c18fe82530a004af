using Atmos.Cache.Build.Lifecycle;
using Atmos.Cache.Build.Logging;
using Atmos.Cache.Configuration;
using Microsoft.Build.Framework;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// Saves the cache root under the exact key. Called by the build hook, it counts this project
/// build as finished and saves only when the whole build is done: no project build of this
/// session is still open and every project of the solution that uses the package has finished
/// (see docs/lifecycle.md). Entries are write-once, so an early save would store incomplete
/// content for good; a deferred save costs nothing.
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

    /// <summary>The rendered exact key.</summary>
    [Output]
    public string? CacheKey { get; private set; }

    /// <summary>The entry was uploaded, or found already present remotely.</summary>
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

    private protected override async System.Threading.Tasks.Task ExecuteAsync(CacheConfig config, CancellationToken cancellationToken)
    {
        using var ledger = await OpenLedgerAsync(config, cancellationToken).ConfigureAwait(false);
        if (ledger?.State.Key is { Length: > 0 } restoredKey && !string.Equals(restoredKey, config.Key, StringComparison.Ordinal))
        {
            LogDetail($"saving under '{restoredKey}', the key this build's restore resolved (the files it hashes now give '{config.Key}').");
            config = config with { Key = restoredKey };
        }

        CacheKey = config.Key;
        if (ledger is not null && Automatic && WaitingFor(ledger) is { } waiting)
        {
            Deferred = true;
            Skip($"the build is not finished ({waiting})");
            return;
        }

        if (Automatic && !config.AutoSaveEnabled)
        {
            Skip($"automatic save is off (auto mode '{config.Auto.ToString().ToLowerInvariant()}')");
            return;
        }

        if (ledger is not null && !ledger.TryClaim("save"))
        {
            Skip("already done in this build");
            return;
        }

        ledger?.Save();
        if (ledger?.State.ServiceFailed == true)
        {
            // One warning per outage: the restore's warning already said the build runs without the cache.
            Skip("the cache service failed during this build's restore (see the warning above), so the save is not tried");
            return;
        }

        var manager = CreateManager(config);
        if (manager is null)
        {
            SkipReason = "no cache backend";
            return;
        }

        var result = await manager.SaveAsync(cancellationToken).ConfigureAwait(false);
        Saved = result.Saved;
        SkipReason = result.Skipped ? result.Reason : "";
        LogSummary(SummaryLine.ForSave(result));
    }

    /// <summary>Records this project build as finished; returns what the build still waits for, or null when it is done.</summary>
    private string? WaitingFor(BuildLedger ledger)
    {
        var project = string.IsNullOrEmpty(ProjectPath) ? BuildEngine?.ProjectFileOfTaskNode ?? "" : ProjectPath!;
        ledger.Finish(string.IsNullOrEmpty(BuildInstance) ? project : BuildInstance!, project);
        ledger.Save();
        if (ledger.State.Open.Count > 0)
        {
            return $"{ledger.State.Open.Count} project build(s) still running";
        }

        // Only unfinished projects are inspected, lazily, so a serial solution build reads about one file per project.
        var unfinished = ledger.Unfinished(SolutionProjects.Built(SolutionConfiguration));
        var pending = SolutionProjects.UsingPackage(unfinished, project, ProjectExtensionsPath).Take(3).ToList();
        return pending.Count == 0
            ? null
            : $"solution projects that use the package have not built yet: {string.Join(", ", pending.Select(System.IO.Path.GetFileName))}";
    }

    private void Skip(string reason)
    {
        SkipReason = reason;
        LogDetail($"save skipped for '{CacheKey}': {reason}.");
    }
}
