using Atmos.Cache.Archiving;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Configuration;

/// <summary>Parses and validates raw configuration values; errors name the source and the MSBuild property.</summary>
internal static class ConfigValueParser
{
    internal static bool ParseBoolean(ConfigValue value, string setting, string property) =>
        value.Value.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw Invalid(value, setting, "true or false (also 1/0, yes/no)", property),
        };

    internal static AutoMode ParseAuto(ConfigValue value) =>
        value.Value.ToLowerInvariant() switch
        {
            "off" => AutoMode.Off,
            "restore" => AutoMode.Restore,
            "save" => AutoMode.Save,
            "both" => AutoMode.Both,
            _ => throw Invalid(value, "automatic mode", "off, restore, save or both", "AtmosCacheAuto"),
        };

    internal static ArchiveCompression ParseCompression(ConfigValue value) =>
        value.Value.ToLowerInvariant() switch
        {
            "gzip" => ArchiveCompression.Gzip,
            "zstd" => ArchiveCompression.Zstd,
            _ => throw Invalid(value, "compression", "gzip or zstd", "AtmosCacheCompression"),
        };

    internal static string ParseBackend(ConfigValue value) =>
        value.Value.ToLowerInvariant() switch
        {
            BackendNames.Auto => BackendNames.Auto,
            BackendNames.GitHubActions => BackendNames.GitHubActions,
            BackendNames.Local => BackendNames.Local,
            BackendNames.None => BackendNames.None,
            BackendNames.S3 => BackendNames.S3,
            _ => throw Invalid(value, "backend", "auto, github/actions, local, s3 or none", "AtmosCacheBackend"),
        };

    /// <summary>
    /// Root-relative include paths: trimmed, empty and "." entries dropped, written with forward slashes.
    /// Absolute paths and paths that climb out of the root are rejected.
    /// </summary>
    internal static IReadOnlyList<string> NormalizeIncludes(IEnumerable<string> entries, string source)
    {
        var includes = new List<string>();
        foreach (var entry in entries)
        {
            var trimmed = entry.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (Path.IsPathRooted(trimmed) || trimmed.StartsWith('/') || trimmed.StartsWith('\\'))
            {
                throw new CacheConfigurationException(
                    $"The include path '{trimmed}' from {source} is absolute; include paths are relative to the cache root. Fix AtmosCachePaths (or ci.cache.paths).");
            }

            var segments = trimmed.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Where(s => s != ".")
                .ToList();
            if (segments.Contains(".."))
            {
                throw new CacheConfigurationException(
                    $"The include path '{trimmed}' from {source} leaves the cache root ('..'). Fix AtmosCachePaths (or ci.cache.paths).");
            }

            if (segments.Count > 0)
            {
                includes.Add(string.Join('/', segments));
            }
        }

        return includes;
    }

    private static CacheConfigurationException Invalid(ConfigValue value, string setting, string expected, string property) =>
        new($"The {setting} '{value.Value}' from {value.Source} is not valid; use {expected} (MSBuild property {property}).");
}
