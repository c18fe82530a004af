namespace Atmos.Cache.Configuration;

/// <summary>
/// Why the cache does nothing in a build, worded once. The tasks and the backend selection use
/// these; the package's targets decide the same before any task loads and spell the same texts
/// (a test checks that they match).
/// </summary>
internal static class InactiveReasons
{
    public const string Disabled = "the cache is disabled (AtmosCacheEnabled, ATMOS_CI_CACHE_ENABLED or ci.cache.enabled)";

    public const string BackendNone = "the cache backend is 'none'";

    public const string NoCiService =
        "no CI cache service detected (not inside GitHub Actions) and no backend configured; set AtmosCacheBackend=local to use a local store";
}
