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

    /// <summary>The cache service failed during this build's restore of every cache; the save is not tried.</summary>
    Blocked,
}

/// <param name="Verdict">What to do.</param>
/// <param name="Keys">The key of each cache to save under: the one this build's restore pinned, else the task's own.</param>
/// <param name="Reason">Why it is deferred (what the build still waits for); empty otherwise.</param>
/// <param name="Stalled">Deferred with nothing running and only visited projects left: the build is likely to end unsaved (reported once per build).</param>
internal sealed record SaveDecision(SaveVerdict Verdict, IReadOnlyDictionary<string, string> Keys, string Reason = "", bool Stalled = false)
{
    /// <summary>Caches whose restore hit an outage of the cache service in this build: not saved.</summary>
    public IReadOnlyCollection<string> Outages { get; init; } = [];

    /// <summary>The <c>project.assets.json</c> files of the projects this build reached.</summary>
    public IReadOnlyList<string> AssetsFiles { get; init; } = [];

    /// <summary>The key of the Atmos cache (or the only cache), for messages about the whole save.</summary>
    public string Key => Keys.Values.FirstOrDefault() ?? "";

    public static SaveDecision Granted(IReadOnlyDictionary<string, string> keys) => new(SaveVerdict.Save, keys);

    public static SaveDecision Deferred(IReadOnlyDictionary<string, string> keys, string reason, bool stalled = false) => new(SaveVerdict.Deferred, keys, reason, stalled);

    public static SaveDecision Off(IReadOnlyDictionary<string, string> keys) => new(SaveVerdict.Off, keys);

    public static SaveDecision AlreadyDone(IReadOnlyDictionary<string, string> keys) => new(SaveVerdict.AlreadyDone, keys);

    public static SaveDecision Blocked(IReadOnlyDictionary<string, string> keys) => new(SaveVerdict.Blocked, keys);
}

/// <summary>A project build that ended, as the save hook describes it.</summary>
/// <param name="BuildInstance">The same value the restore hook registered (project path and framework).</param>
/// <param name="ProjectPath">The project's full path.</param>
/// <param name="SolutionConfiguration"><c>$(CurrentSolutionConfigurationContents)</c>; empty outside a solution build.</param>
/// <param name="ProjectExtensionsPath"><c>$(MSBuildProjectExtensionsPath)</c>, to find siblings' NuGet imports under the artifacts layout.</param>
internal sealed record ProjectBuildEnd(string BuildInstance, string ProjectPath, string? SolutionConfiguration, string? ProjectExtensionsPath);
