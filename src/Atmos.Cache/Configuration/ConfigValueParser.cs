using Atmos.Cache.Archiving;
using Atmos.Cache.Errors;
using Atmos.Cache.Root;

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
            BackendNames.AzureBlob => BackendNames.AzureBlob,
            _ => throw Invalid(value, "backend", "auto, github/actions, local, s3, azure/blob or none", "AtmosCacheBackend"),
        };

    /// <summary>Root-relative include paths, normalised by <see cref="IncludePath"/> (the rule the archive writer applies too).</summary>
    internal static IReadOnlyList<string> NormalizeIncludes(IEnumerable<string> entries, string source) =>
        IncludePath.NormalizeAll(entries, source);

    private static CacheConfigurationException Invalid(ConfigValue value, string setting, string expected, string property) =>
        new($"The {setting} '{value.Value}' from {value.Source} is not valid; use {expected} (MSBuild property {property}).");
}
