using Atmos.Cache.Errors;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Configuration;

/// <summary>The well-known cache root: the Atmos XDG cache directory.</summary>
internal static class CacheRoot
{
    public const string AtmosXdgCacheHome = "ATMOS_XDG_CACHE_HOME";
    public const string XdgCacheHome = "XDG_CACHE_HOME";

    /// <summary>
    /// <c>ATMOS_XDG_CACHE_HOME</c>, else <c>XDG_CACHE_HOME</c>, else the platform cache home, plus <c>atmos</c>
    /// (Atmos appends <c>atmos</c> to either variable too). The platform cache home is the one Atmos uses:
    /// <c>~/.cache</c> on Linux and macOS (Atmos overrides the macOS default), and <c>%LOCALAPPDATA%\cache</c>
    /// on Windows (the adrg/xdg default Atmos builds on). The result is absolute; nothing is created.
    /// </summary>
    public static string Resolve(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var cacheHome = NonEmpty(environment.Get(AtmosXdgCacheHome))
                        ?? NonEmpty(environment.Get(XdgCacheHome))
                        ?? PlatformCacheHome(environment);
        return Path.GetFullPath(Path.Combine(cacheHome, "atmos"));
    }

    private static string PlatformCacheHome(IEnvironment environment)
    {
        if (FilePlatform.Current.WindowsProfileFolders)
        {
            var localAppData = NonEmpty(environment.Get("LOCALAPPDATA"))
                               ?? NonEmpty(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData))
                               ?? Path.Combine(UserHome(environment, "USERPROFILE"), "AppData", "Local");
            return Path.Combine(localAppData, "cache");
        }

        return Path.Combine(UserHome(environment, "HOME"), ".cache");
    }

    private static string UserHome(IEnvironment environment, string variable) =>
        NonEmpty(environment.Get(variable))
        ?? NonEmpty(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
        ?? throw new CacheConfigurationException(
            $"The cache root cannot be found: {variable} is not set. Set {XdgCacheHome}, {AtmosXdgCacheHome} or the MSBuild property AtmosCacheRoot.");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
