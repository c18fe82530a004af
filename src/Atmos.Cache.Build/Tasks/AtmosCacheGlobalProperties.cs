using Atmos.Cache.Build.Logging;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = Microsoft.Build.Utilities.Task;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// The names of the current project's global properties. The targets remove all of them when they
/// ask <c>AtmosCache.Session.proj</c> for the build's session id, so every project and node of
/// one build makes the identical request and MSBuild's results cache hands all of them the one
/// answer, however the projects were reached (solution, ProjectReference, inner build).
/// </summary>
public sealed class AtmosCacheGlobalProperties : Task
{
    /// <summary>One item per global property name.</summary>
    [Output]
    public ITaskItem[] Names { get; private set; } = [];

    public override bool Execute()
    {
        if (BuildEngine is IBuildEngine6 engine)
        {
            Names = [.. engine.GetGlobalProperties().Keys.Select(name => (ITaskItem)new TaskItem(name))];
        }
        else
        {
            Log.LogMessage(MessageImportance.Low, SummaryLine.Prefix + "this MSBuild does not expose global properties; the session id may differ between projects.");
        }

        return true;
    }
}
