namespace Atmos.Cache.Build.Lifecycle;

/// <summary>What the session decided about the save at the end of a project build, or for an explicit save.</summary>
internal enum SaveVerdict
{
    /// <summary>This task saves.</summary>
    Save,

    /// <summary>The build is not complete; a later project build saves.</summary>
    Deferred,

    /// <summary>The build is complete, but the automatic save is off.</summary>
    Off,

    /// <summary>The save of this build was already claimed.</summary>
    AlreadyDone,

    /// <summary>The cache service failed during this build's restore; the save is not tried.</summary>
    Blocked,
}

/// <param name="Verdict">What to do.</param>
/// <param name="Key">The key to save under: the one this build's restore pinned, else the task's own.</param>
/// <param name="Reason">Why it is deferred (what the build still waits for); empty otherwise.</param>
/// <param name="Stalled">Deferred with nothing running and only visited projects left: the build is likely to end unsaved (reported once per build).</param>
internal sealed record SaveDecision(SaveVerdict Verdict, string Key, string Reason = "", bool Stalled = false)
{
    public static SaveDecision Granted(string key) => new(SaveVerdict.Save, key);

    public static SaveDecision Deferred(string key, string reason, bool stalled = false) => new(SaveVerdict.Deferred, key, reason, stalled);

    public static SaveDecision Off(string key) => new(SaveVerdict.Off, key);

    public static SaveDecision AlreadyDone(string key) => new(SaveVerdict.AlreadyDone, key);

    public static SaveDecision Blocked(string key) => new(SaveVerdict.Blocked, key);
}

/// <summary>A project build that ended, as the save hook describes it.</summary>
/// <param name="BuildInstance">The same value the restore hook registered (project path and framework).</param>
/// <param name="ProjectPath">The project's full path.</param>
/// <param name="SolutionConfiguration"><c>$(CurrentSolutionConfigurationContents)</c>; empty outside a solution build.</param>
/// <param name="ProjectExtensionsPath"><c>$(MSBuildProjectExtensionsPath)</c>, to find siblings' NuGet imports under the artifacts layout.</param>
internal sealed record ProjectBuildEnd(string BuildInstance, string ProjectPath, string? SolutionConfiguration, string? ProjectExtensionsPath);
