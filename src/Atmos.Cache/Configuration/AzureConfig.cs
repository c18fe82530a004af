namespace Atmos.Cache.Configuration;

/// <summary>
/// The <c>azure/blob</c> backend's settings as configured (MSBuild properties,
/// <c>ATMOS_CI_CACHE_AZURE_*</c>, <c>ci.cache.azure.*</c>). A null account URL means "as the Azure
/// tools decide" (the connection string, or <c>AZURE_STORAGE_ACCOUNT</c>); credentials never come
/// from here, only from the environment. The backend checks the values when it is used.
/// </summary>
public sealed record AzureConfig
{
    public const string DefaultPrefix = "atmos-cache/";

    public string? Container { get; init; }

    /// <summary>Prepended to every blob name as written (include a trailing <c>/</c> for a folder).</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>The blob service URL, e.g. <c>https://account.blob.core.windows.net</c>.</summary>
    public string? AccountUrl { get; init; }
}
