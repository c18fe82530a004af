using Atmos.Cache.Build.Logging;
using Atmos.Cache.Configuration;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// Records that a request reached this project in this build, whatever its target (run from the
/// package's <c>InitialTargets</c>). The save uses it to tell a solution project that was visited
/// without building (its request is over) from one the build has not reached yet.
/// </summary>
public sealed class AtmosCacheVisit : CacheTask
{
    /// <summary>The full path of the project (<c>$(MSBuildProjectFullPath)</c>).</summary>
    public string? ProjectPath { get; set; }

    /// <summary><c>$(ProjectAssetsFile)</c>: the packages this project's NuGet restore used, which the NuGet cache keeps.</summary>
    public string? AssetsFile { get; set; }

    /// <summary><c>$(MSBuildStartupDirectory)</c>: where a relative <c>.slnf</c> on the command line is.</summary>
    public string? StartupDirectory { get; set; }

    private protected override string Operation => "visit";

    private protected override string FailureCode => DiagnosticCodes.SaveFailed;

    private protected override System.Threading.Tasks.Task ExecuteAsync(CacheConfig config, CancellationToken cancellationToken) =>
        Session is null || string.IsNullOrEmpty(ProjectPath)
            ? System.Threading.Tasks.Task.CompletedTask
            : Session.VisitAsync(ProjectPath!, Lifecycle.SolutionFilter.FromCommandLine(StartupDirectory), cancellationToken, string.IsNullOrWhiteSpace(AssetsFile) ? null : System.IO.Path.GetFullPath(AssetsFile));
}
