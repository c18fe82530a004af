using System.Collections;
using Microsoft.Build.Framework;

namespace Atmos.Cache.Build.Tests.Support;

/// <summary>Records what a task logs; answers the few engine questions the tasks ask.</summary>
public sealed class FakeBuildEngine : IBuildEngine6
{
    private readonly object _gate = new();

    public List<BuildErrorEventArgs> Errors { get; } = [];
    public List<BuildWarningEventArgs> Warnings { get; } = [];
    public List<BuildMessageEventArgs> Messages { get; } = [];
    public Dictionary<string, string> GlobalProperties { get; } = [];

    public string ProjectFileOfTaskNode { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "Fake.csproj");

    public IEnumerable<string> MessagesAt(MessageImportance importance) =>
        Messages.Where(m => m.Importance == importance).Select(m => m.Message ?? "");

    public void LogErrorEvent(BuildErrorEventArgs e) { lock (_gate) { Errors.Add(e); } }
    public void LogWarningEvent(BuildWarningEventArgs e) { lock (_gate) { Warnings.Add(e); } }
    public void LogMessageEvent(BuildMessageEventArgs e)
    {
        lock (_gate) { Messages.Add(e); }
        MessageLogged?.Invoke(e);
    }

    /// <summary>Raised after each message is recorded (on the logging thread), so a test can await one.</summary>
    public event Action<BuildMessageEventArgs>? MessageLogged;
    public void LogCustomEvent(CustomBuildEventArgs e) { }
    public void LogTelemetry(string eventName, IDictionary<string, string> properties) { }

    public IReadOnlyDictionary<string, string> GetGlobalProperties() => GlobalProperties;

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public bool IsRunningMultipleNodes => false;

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) => throw new NotSupportedException();
    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) => throw new NotSupportedException();
    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs)
    {
        BuildRequests.Add((projectFileNames.Single(), targetNames.Single(), removeGlobalProperties.Single().ToList()));
        var outputs = new Dictionary<string, ITaskItem[]> { [targetNames.Single()] = [new Microsoft.Build.Utilities.TaskItem(BuildAnswer)] };
        return new BuildEngineResult(true, [outputs]);
    }

    /// <summary>The requests made through <c>BuildProjectFilesInParallel</c>: project, target, global properties removed.</summary>
    public List<(string Project, string Target, List<string> Removed)> BuildRequests { get; } = [];

    /// <summary>What a requested target returns (one item).</summary>
    public string BuildAnswer { get; set; } = "answer";
    public void Yield() { }
    public void Reacquire() { }
    public Dictionary<(object, RegisteredTaskObjectLifetime), object> TaskObjects { get; } = [];
    public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection) => TaskObjects[(key, lifetime)] = obj;
    public object? GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => TaskObjects.GetValueOrDefault((key, lifetime));
    public object? UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => TaskObjects.Remove((key, lifetime), out var value) ? value : null;
}
