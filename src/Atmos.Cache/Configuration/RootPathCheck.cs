using Atmos.Cache.Errors;

namespace Atmos.Cache.Configuration;

/// <summary>
/// The cache root must be a folder or not exist yet (it is created on restore). A file there, or a
/// file in its path, is a configuration error that names the setting and where its value came from,
/// instead of an I/O failure deep inside a restore.
/// </summary>
internal static class RootPathCheck
{
    private const string Remedy = "Point AtmosCacheRoot (or ATMOS_CI_CACHE_ROOT, or ci.cache.root in atmos.yaml) at a folder.";

    public static void EnsureUsable(string root, string? source)
    {
        var from = source ?? "the default (the Atmos XDG cache folder: ATMOS_XDG_CACHE_HOME / XDG_CACHE_HOME)";
        if (File.Exists(root))
        {
            throw new CacheConfigurationException($"The cache root '{root}' from {from} is a file, not a folder. {Remedy}");
        }

        for (var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(root)); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (Directory.Exists(parent))
            {
                return;
            }

            if (File.Exists(parent))
            {
                throw new CacheConfigurationException($"The cache root '{root}' from {from} cannot be created: '{parent}' is a file. {Remedy}");
            }
        }
    }
}
