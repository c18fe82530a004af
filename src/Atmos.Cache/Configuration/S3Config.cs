namespace Atmos.Cache.Configuration;

/// <summary>
/// The <c>s3</c> backend's settings as configured (MSBuild properties, <c>ATMOS_CI_CACHE_S3_*</c>,
/// <c>ci.cache.s3.*</c>). Null region and endpoint mean "as the AWS tools decide" (the AWS
/// variables and profile, then AWS S3 itself); the backend checks the values when it is used.
/// </summary>
public sealed record S3Config
{
    public const string DefaultPrefix = "atmos-cache/";

    public string? Bucket { get; init; }

    /// <summary>Prepended to every object name as written (include a trailing <c>/</c> for a folder).</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    public string? Region { get; init; }

    public string? Endpoint { get; init; }

    public bool PathStyle { get; init; }
}
