namespace Atmos.Cache.Configuration;

/// <summary>The well-known cache root: the Atmos XDG cache directory.</summary>
public static class CacheRoot
{
    /// <summary>
    /// <c>ATMOS_XDG_CACHE_HOME</c>, else <c>XDG_CACHE_HOME</c>, else the platform cache home, plus <c>atmos</c>.
    /// </summary>
    public static string Resolve(IEnvironment environment) => throw new NotImplementedException();
}
