namespace Atmos.Cache.Configuration;

/// <summary>
/// Resolves the one <see cref="CacheConfig"/>: explicit settings, then <c>ATMOS_CI_CACHE_*</c>
/// variables, then <c>atmos.yaml</c>'s <c>ci.cache</c>, then defaults. Defaults live only here.
/// </summary>
public static class ConfigResolver
{
    public static CacheConfig Resolve(CacheSettings settings, IEnvironment environment) => throw new NotImplementedException();
}
