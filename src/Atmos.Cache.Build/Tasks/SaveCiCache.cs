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
        CacheKey = config.Key;
        var wanted = !Automatic || config.AutoSaveEnabled;
        var decision = Session is null
            ? (wanted ? SaveDecision.Granted(config.Key) : SaveDecision.Off(config.Key))
            : Automatic
                ? await Session.EndProjectBuildAsync(ThisProjectBuild(), wanted, config.Key, cancellationToken).ConfigureAwait(false)
                : await Session.ClaimSaveAsync(config.Key, cancellationToken).ConfigureAwait(false);

        if (!string.Equals(decision.Key, config.Key, StringComparison.Ordinal))
        {
            LogDetail($"saving under '{decision.Key}', the key this build's restore resolved (the files it hashes now give '{config.Key}').");
            config = config with { Key = decision.Key };
            CacheKey = config.Key;
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
                Skip($"automatic save is off (auto mode '{config.Auto.ToString().ToLowerInvariant()}')");
                return;
            case SaveVerdict.AlreadyDone:
                Skip("already done in this build");
                return;
            case SaveVerdict.Blocked:
                // Said at the summary's importance: the build ends without the save its mode asks for.
                SkipReason = "the cache service failed during this build's restore";
                LogSummary($"{SummaryLine.Prefix}not saved '{CacheKey}': the cache service failed during this build's restore (see the warning above), so the save was not tried. The next build that reaches the service saves it.");
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
