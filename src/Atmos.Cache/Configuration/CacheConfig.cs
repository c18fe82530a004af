using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Integrity;

namespace Atmos.Cache.Configuration;

/// <summary>When the build lifecycle restores and saves on its own.</summary>
public enum AutoMode
{
    Off,
    Restore,
    Save,
    Both,
}

/// <summary>
/// The fully resolved configuration the manager works from. Produced only by
/// <see cref="ConfigResolver"/>, so the MSBuild hooks and the manual targets see identical inputs.
/// </summary>
public sealed record CacheConfig
{
    /// <summary>The cache's name in messages and ledgers: <c>atmos</c>, <c>nuget</c>, or a user cache's name.</summary>
    public string Name { get; init; } = CacheNames.Atmos;

    /// <summary>What the cache holds, which decides its defaults and what its save selects.</summary>
    public CacheKind Kind { get; init; } = CacheKind.Atmos;

    /// <summary>The master switch (<c>ci.cache.enabled</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The automatic mode (<c>ci.cache.auto</c>).</summary>
    public AutoMode Auto { get; init; } = AutoMode.Both;

    /// <summary>The absolute directory that is archived.</summary>
    public required string Root { get; init; }

    /// <summary>Root-relative sub-paths to archive; empty means the whole root.</summary>
    public IReadOnlyList<string> Includes { get; init; } = [];

    /// <summary>Root-relative files never archived even where an include covers them (the NuGet cache's <c>.nupkg</c> files).</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary>The rendered exact key.</summary>
    public required string Key { get; init; }

    /// <summary>Rendered prefixes tried in order when the exact key is absent.</summary>
    public IReadOnlyList<string> RestoreKeys { get; init; } = [];

    /// <summary>Compression of archives written by save.</summary>
    public ArchiveCompression Compression { get; init; } = ArchiveCompression.Gzip;

    /// <summary>The backend type: <c>auto</c>, <c>github/actions</c>, <c>local</c>, <c>s3</c>, <c>azure/blob</c> or <c>none</c>.</summary>
    public string Backend { get; init; } = BackendNames.Auto;

    /// <summary>The directory of the <c>local</c> backend's store (never inside <see cref="Root"/>).</summary>
    public required string LocalDirectory { get; init; }

    /// <summary>The settings of the <c>s3</c> backend.</summary>
    public S3Config S3 { get; init; } = new();

    /// <summary>The settings of the <c>azure/blob</c> backend.</summary>
    public AzureConfig Azure { get; init; } = new();

    /// <summary>Whether cache failures should fail the build instead of warning.</summary>
    public bool FailOnError { get; init; }

    /// <summary>The folder the configuration was resolved from (the project folder in MSBuild).</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The one folder of the build that relative paths in keys, root and lockfile resolve against.</summary>
    public string BaseDirectory { get; init; } = string.Empty;

    /// <summary>Restore-key templates that failed to render and were left out, each with the reason (Atmos skips them too).</summary>
    public IReadOnlyList<SkippedRestoreKey> SkippedRestoreKeys { get; init; } = [];

    /// <summary>Likely typos in <c>atmos.yaml</c> (unknown keys, a misspelt <c>ci.cache</c>), each with its file and line.</summary>
    public IReadOnlyList<ConfigurationWarning> ConfigurationWarnings { get; init; } = [];

    /// <summary>Restore, never save (<c>AtmosCacheReadOnly</c>).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>What GitHub allows this job (<c>ACTIONS_CACHE_MODE</c>, read inside GitHub Actions only).</summary>
    public CacheServiceMode ServiceMode { get; init; } = CacheServiceMode.Write;

    /// <summary>A restore only resolves the key and reports the match; it downloads nothing (<c>AtmosCacheLookupOnly</c>).</summary>
    public bool LookupOnly { get; init; }

    /// <summary>A restore that matches neither the key nor a restore key fails the build (<c>AtmosCacheFailOnMiss</c>).</summary>
    public bool FailOnMiss { get; init; }

    /// <summary>Signs saves and checks restores; from <c>ATMOS_CI_CACHE_SIGNING_KEY</c> only. Its text form hides the secret.</summary>
    public EntrySigner? Signer { get; init; }

    /// <summary>With a signer: unsigned entries are misses (false: only signed entries are checked, for a migration).</summary>
    public bool RequireSignature { get; init; } = true;

    /// <summary>Why restores must not reach the cache service in this job, or null when they may.</summary>
    public string? RestoreBlockedBy => ServiceMode is CacheServiceMode.None or CacheServiceMode.WriteOnly
        ? $"the GitHub cache mode is '{ServiceModes.Name(ServiceMode)}' ({ServiceModes.Variable})"
        : null;

    /// <summary>Why saves must not happen in this job, or null when they may.</summary>
    public string? SaveBlockedBy => ServiceMode is CacheServiceMode.None or CacheServiceMode.Read
        ? $"the GitHub cache mode is '{ServiceModes.Name(ServiceMode)}' ({ServiceModes.Variable})"
        : ReadOnly ? "the cache is read-only (AtmosCacheReadOnly / ATMOS_CI_CACHE_READ_ONLY)" : null;

    /// <summary><c>hashFiles</c> patterns of the key or restore-key templates that matched no path (relative to <see cref="BaseDirectory"/>).</summary>
    public IReadOnlyList<string> UnmatchedFilePatterns { get; init; } = [];

    public bool AutoRestoreEnabled => Enabled && Auto is AutoMode.Restore or AutoMode.Both;

    public bool AutoSaveEnabled => Enabled && Auto is AutoMode.Save or AutoMode.Both;
}

/// <summary>What a cache holds.</summary>
public enum CacheKind
{
    /// <summary>The Atmos CLI's cache root (the package's original cache).</summary>
    Atmos,

    /// <summary>The NuGet global packages folder: its save keeps the packages this build's restore used.</summary>
    NuGet,

    /// <summary>A cache the user declared (an <c>AtmosCache</c> item or <c>ci.cache.caches</c>).</summary>
    User,
}

/// <summary>The names of the built-in caches.</summary>
public static class CacheNames
{
    public const string Atmos = "atmos";
    public const string NuGet = "nuget";
}

/// <summary>A restore-key template that could not be rendered, and why.</summary>
public sealed record SkippedRestoreKey(string Template, string Reason);

/// <summary>The backend type names the configuration accepts.</summary>
public static class BackendNames
{
    public const string Auto = "auto";
    public const string GitHubActions = "github/actions";
    public const string Local = "local";
    public const string None = "none";
    public const string S3 = "s3";
    public const string AzureBlob = "azure/blob";
}
