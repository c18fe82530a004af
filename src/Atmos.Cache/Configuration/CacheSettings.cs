namespace Atmos.Cache.Configuration;

/// <summary>
/// Explicit settings, such as MSBuild properties. Every value is a raw string; null or empty means
/// "not set here", so the environment, <c>atmos.yaml</c> and the defaults can still decide.
/// </summary>
public sealed record CacheSettings
{
    public string? Enabled { get; init; }
    public string? Auto { get; init; }
    public string? Root { get; init; }
    /// <summary>Include paths separated by <c>;</c>.</summary>
    public string? Paths { get; init; }
    public string? Key { get; init; }
    /// <summary>Restore-key templates separated by <c>;</c>.</summary>
    public string? RestoreKeys { get; init; }
    public string? Compression { get; init; }
    public string? Backend { get; init; }
    public string? LocalDirectory { get; init; }
    public string? FailOnError { get; init; }
    public string? ReadOnly { get; init; }
    public string? LookupOnly { get; init; }
    public string? FailOnMiss { get; init; }
    /// <summary>Whether unsigned entries are misses when a signing key is set (the key itself is environment only).</summary>
    public string? RequireSignature { get; init; }
    public string? S3Bucket { get; init; }
    public string? S3Prefix { get; init; }
    public string? S3Region { get; init; }
    public string? S3Endpoint { get; init; }
    public string? S3PathStyle { get; init; }
    /// <summary>An explicit <c>atmos.yaml</c> path.</summary>
    public string? ConfigFile { get; init; }
    /// <summary>Where the <c>atmos.yaml</c> and repository-root searches start (the project folder in MSBuild).</summary>
    public string? WorkingDirectory { get; init; }
    /// <summary><c>AtmosCacheBaseDirectory</c>: the folder relative paths in keys, root and lockfile resolve against.</summary>
    public string? BaseDirectory { get; init; }
    /// <summary>The base folder when there is no repository and no <c>atmos.yaml</c>: the solution or entry folder.</summary>
    public string? DefaultBaseDirectory { get; init; }

    /// <summary>How the package is used: <c>sdk</c> (an MSBuild project SDK, restores before NuGet restore) or <c>package</c> (a PackageReference).</summary>
    public string? Form { get; init; }
    /// <summary><c>AtmosCacheNuGet</c>: the NuGet packages cache on or off (default: on in the SDK form).</summary>
    public string? NuGet { get; init; }
    public string? NuGetRoot { get; init; }
    public string? NuGetKey { get; init; }
    /// <summary>Restore-key templates separated by <c>;</c>.</summary>
    public string? NuGetRestoreKeys { get; init; }
    /// <summary><c>$(RestorePackagesPath)</c>: the project's own choice of NuGet folder, which NuGet puts first.</summary>
    public string? RestorePackagesPath { get; init; }
}
