using System.Collections;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace Atmos.Cache.Build.Tasks;

/// <summary>
/// The id of the current build, the same in every project and node. It asks
/// <c>AtmosCache.Session.proj</c> for target <c>GetSession</c> with all of the current project's
/// global properties removed, so every project and node of one build makes the identical request
/// and MSBuild's results cache hands all of them the one answer, however the projects were reached
/// (solution, ProjectReference, inner build). The answer is then kept in this node for the rest of
/// the build (a registered task object with build lifetime), so later projects on the node skip the
/// request and its scheduling round trip.
/// </summary>
public sealed class AtmosCacheSession : Task
{
    private static readonly object CacheKey = typeof(AtmosCacheSession).FullName!;

    /// <summary>The full path of <c>AtmosCache.Session.proj</c>.</summary>
    [Required]
    public string SessionProject { get; set; } = "";

    /// <summary>The build's session id; empty when this MSBuild cannot answer (the tasks then work without a session).</summary>
    [Output]
    public string SessionId { get; private set; } = "";

    public override bool Execute()
    {
        if (BuildEngine is IBuildEngine4 registry && registry.GetRegisteredTaskObject(CacheKey, RegisteredTaskObjectLifetime.Build) is string known)
        {
            SessionId = known;
            return true;
        }

        if (BuildEngine is not IBuildEngine6 engine)
        {
            Log.LogMessage(MessageImportance.Low, "Atmos cache: this MSBuild does not expose global properties; the cache works without a build session.");
            return true;
        }

        IList<string> remove = [.. engine.GetGlobalProperties().Keys];
        var result = engine.BuildProjectFilesInParallel([SessionProject], ["GetSession"], [new Hashtable()], [remove], [null!], returnTargetOutputs: true);
        if (!result.Result || result.TargetOutputsPerProject.Count == 0
            || !result.TargetOutputsPerProject[0].TryGetValue("GetSession", out var outputs) || outputs.Length == 0)
        {
            Log.LogMessage(MessageImportance.Low, "Atmos cache: the build session id could not be read; the cache works without a build session.");
            return true;
        }

        SessionId = outputs[0].ItemSpec;
        (BuildEngine as IBuildEngine4)?.RegisterTaskObject(CacheKey, SessionId, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        return true;
    }
}
