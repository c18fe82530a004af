namespace Atmos.Cache.Configuration;

/// <summary>The values this package reads from one <c>atmos.yaml</c>; null where the file does not write them.</summary>
internal sealed record AtmosYamlSettings
{
    internal static readonly AtmosYamlSettings None = new();

    /// <summary>The file the values came from; null when no atmos.yaml applies.</summary>
    public string? FilePath { get; init; }

    public string? Enabled { get; init; }
    public string? Auto { get; init; }
    public string? Root { get; init; }
    public IReadOnlyList<string>? Paths { get; init; }
    public string? Key { get; init; }
    public IReadOnlyList<string>? RestoreKeys { get; init; }
    public string? Compression { get; init; }

    /// <summary><c>ci.cache.s3.*</c>: the s3 backend's bucket, prefix, region, endpoint and path_style.</summary>
    public string? S3Bucket { get; init; }
    public string? S3Prefix { get; init; }
    public string? S3Region { get; init; }
    public string? S3Endpoint { get; init; }
    public string? S3PathStyle { get; init; }

    /// <summary><c>ci.cache.nuget.*</c>: the NuGet packages cache.</summary>
    public string? NuGetEnabled { get; init; }
    public string? NuGetRoot { get; init; }
    public string? NuGetKey { get; init; }
    public IReadOnlyList<string>? NuGetRestoreKeys { get; init; }

    /// <summary><c>ci.cache.caches</c>: caches the repository declares beside the Atmos and NuGet ones.</summary>
    public IReadOnlyList<UserCacheSettings> Caches { get; init; } = [];

    /// <summary><c>toolchain.lock_file</c>, only when written explicitly.</summary>
    public string? ToolchainLockFile { get; init; }
}
