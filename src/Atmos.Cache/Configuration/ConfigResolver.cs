using Atmos.Cache.Archiving;
using Atmos.Cache.Errors;
using Atmos.Cache.Keys;

namespace Atmos.Cache.Configuration;

/// <summary>
/// Resolves the one <see cref="CacheConfig"/>: explicit settings, then <c>ATMOS_CI_CACHE_*</c>
/// variables, then <c>atmos.yaml</c>'s <c>ci.cache</c>, then defaults. Defaults live only here.
/// </summary>
public static class ConfigResolver
{
    public const string EnvironmentPrefix = "ATMOS_CI_CACHE_";
    public const string LocalDirectorySuffix = "-ci-cache";

    public static CacheConfig Resolve(CacheSettings settings, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);

        var workingDirectory = string.IsNullOrWhiteSpace(settings.WorkingDirectory)
            ? Directory.GetCurrentDirectory()
            : Path.GetFullPath(settings.WorkingDirectory.Trim());
        var yamlPath = AtmosYamlLocator.Locate(settings.ConfigFile, environment, workingDirectory);
        var yaml = yamlPath is null ? AtmosYamlSettings.None : AtmosYamlReader.Read(yamlPath);
        var layers = new Layers(settings, environment, yaml);

        var enabled = layers.Pick(s => s.Enabled, "AtmosCacheEnabled", "ENABLED", y => y.Enabled, "enabled") is { } enabledValue
            ? ConfigValueParser.ParseBoolean(enabledValue, "master switch", "AtmosCacheEnabled")
            : true;
        var auto = layers.Pick(s => s.Auto, "AtmosCacheAuto", "AUTO", y => y.Auto, "auto") is { } autoValue
            ? ConfigValueParser.ParseAuto(autoValue)
            : AutoMode.Both;
        var compression = layers.Pick(s => s.Compression, "AtmosCacheCompression", "COMPRESSION", y => y.Compression, "compression") is { } compressionValue
            ? ConfigValueParser.ParseCompression(compressionValue)
            : ArchiveCompression.Gzip;
        var backend = layers.Pick(s => s.Backend, "AtmosCacheBackend", "BACKEND", _ => null, "") is { } backendValue
            ? ConfigValueParser.ParseBackend(backendValue)
            : BackendNames.Auto;
        var failOnError = ConfigValue.FromProperty(settings.FailOnError, "AtmosCacheFailOnError") is { } failValue
            && ConfigValueParser.ParseBoolean(failValue, "strictness", "AtmosCacheFailOnError");

        var rootSetting = layers.Pick(s => s.Root, "AtmosCacheRoot", "ROOT", y => y.Root, "root");
        var root = rootSetting is { } rootValue
            ? Path.GetFullPath(rootValue.Value, workingDirectory)
            : CacheRoot.Resolve(environment);
        RootPathCheck.EnsureUsable(root, rootSetting?.Source);
        var localDirectory = ResolveLocalDirectory(layers, root, workingDirectory);
        var includes = layers.PickList(
            s => Split(s.Paths, ';'), "AtmosCachePaths",
            "PATHS", value => Split(value, Path.PathSeparator),
            y => y.Paths, "paths");

        var unmatched = new List<string>();
        var (key, restoreKeys, keySources) = ResolveKeys(layers, yaml, yamlPath, root, workingDirectory, unmatched);
        NamingSource(keySources, () => KeyValidator.Validate(key, restoreKeys));

        return new CacheConfig
        {
            Enabled = enabled,
            Auto = auto,
            Root = root,
            Includes = includes is null ? [] : ConfigValueParser.NormalizeIncludes(includes.Value.Values, includes.Value.Source),
            Key = key,
            RestoreKeys = restoreKeys,
            Compression = compression,
            Backend = backend,
            LocalDirectory = localDirectory,
            FailOnError = failOnError,
            WorkingDirectory = workingDirectory,
            UnmatchedFilePatterns = [.. unmatched.Distinct(StringComparer.Ordinal)],
        };
    }

    private static (string Key, IReadOnlyList<string> RestoreKeys, string Sources) ResolveKeys(
        Layers layers, AtmosYamlSettings yaml, string? yamlPath, string root, string workingDirectory, List<string> unmatched)
    {
        var keyTemplate = layers.Pick(s => s.Key, "AtmosCacheKey", "KEY", y => y.Key, "key");
        var restoreTemplates = layers.PickList(
            s => Split(s.RestoreKeys, ';'), "AtmosCacheRestoreKeys",
            "RESTORE_KEYS", value => Split(value, '\n'),
            y => y.RestoreKeys, "restore_keys");

        var key = keyTemplate is { } template
            ? NamingSource($"the key template is from {template.Source}", () => KeyTemplate.Render(template.Value, workingDirectory, unmatched))
            : DefaultKeys.Key(DefaultLockfile(yaml, yamlPath, root));

        IReadOnlyList<string> restoreKeys = restoreTemplates is { } templates
            ? NamingSource($"the restore-key templates are from {templates.Source}", () => templates.Values.Select(t => KeyTemplate.Render(t, workingDirectory, unmatched)).ToList())
            : keyTemplate is null
                ? [DefaultKeys.RestoreKey()]
                : [];
        var sources = string.Join("; ", new[]
        {
            keyTemplate is { } k ? $"the key template is from {k.Source}" : "the key is the default",
            restoreTemplates is { } r ? $"the restore-key templates are from {r.Source}" : null,
        }.Where(text => text is not null));
        return (key, restoreKeys, sources);
    }

    /// <summary>Runs <paramref name="action"/>; a configuration error it throws also says where the value came from.</summary>
    private static T NamingSource<T>(string source, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (CacheConfigurationException e)
        {
            throw new CacheConfigurationException($"{e.Message} ({source}.)", e);
        }
    }

    private static void NamingSource(string source, Action action) => NamingSource(source, () => { action(); return 0; });

    // Only an explicit toolchain.lock_file moves the lockfile. Atmos resolves a relative one against the
    // folder it runs in, which is the folder of atmos.yaml; a project folder below it must find the same file.
    private static string DefaultLockfile(AtmosYamlSettings yaml, string? yamlPath, string root) =>
        string.IsNullOrWhiteSpace(yaml.ToolchainLockFile) || yamlPath is null
            ? DefaultKeys.LockfilePath(root)
            : Path.GetFullPath(yaml.ToolchainLockFile.Trim(), Path.GetDirectoryName(yamlPath)!);

    private static string ResolveLocalDirectory(Layers layers, string root, string workingDirectory)
    {
        var configured = layers.Pick(s => s.LocalDirectory, "AtmosCacheLocalDirectory", "LOCAL_DIR", _ => null, "");
        if (configured is { } value)
        {
            var directory = Path.GetFullPath(value.Value, workingDirectory);
            if (IsSameOrInside(directory, root))
            {
                throw new CacheConfigurationException(
                    $"The local cache store '{directory}' from {value.Source} is inside the cache root '{root}', so it would be archived into itself. Choose a folder outside the root (MSBuild property AtmosCacheLocalDirectory).");
            }

            return directory;
        }

        var trimmedRoot = Path.TrimEndingDirectorySeparator(root);
        var parent = Path.GetDirectoryName(trimmedRoot);
        if (string.IsNullOrEmpty(parent))
        {
            throw new CacheConfigurationException(
                $"The cache root '{root}' has no parent folder for the default local cache store. Set the MSBuild property AtmosCacheLocalDirectory (or ATMOS_CI_CACHE_LOCAL_DIR).");
        }

        return Path.Combine(parent, Path.GetFileName(trimmedRoot) + LocalDirectorySuffix);
    }

    private static bool IsSameOrInside(string candidate, string root)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
            ? StringComparison.OrdinalIgnoreCase
            : StringComparison.Ordinal;
        var child = Path.TrimEndingDirectorySeparator(Path.GetFullPath(candidate));
        var parent = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var prefix = Path.EndsInDirectorySeparator(parent) ? parent : parent + Path.DirectorySeparatorChar;
        return child.Equals(parent, comparison) || child.StartsWith(prefix, comparison);
    }

    private static IReadOnlyList<string> Split(string? value, char separator) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(separator).Select(v => v.Trim()).Where(v => v.Length > 0).ToList();

    /// <summary>The three configured layers, consulted in precedence order.</summary>
    private sealed class Layers(CacheSettings settings, IEnvironment environment, AtmosYamlSettings yaml)
    {
        internal ConfigValue? Pick(
            Func<CacheSettings, string?> property, string propertyName,
            string variableSuffix,
            Func<AtmosYamlSettings, string?> yamlValue, string yamlKey) =>
            ConfigValue.First(
                ConfigValue.FromProperty(property(settings), propertyName),
                ConfigValue.FromEnvironment(environment, EnvironmentPrefix + variableSuffix),
                ConfigValue.FromYaml(yamlValue(yaml), "ci.cache." + yamlKey, yaml.FilePath));

        /// <summary>The first layer with at least one non-empty entry, with its source.</summary>
        internal (IReadOnlyList<string> Values, string Source)? PickList(
            Func<CacheSettings, IReadOnlyList<string>> property, string propertyName,
            string variableSuffix, Func<string, IReadOnlyList<string>> splitVariable,
            Func<AtmosYamlSettings, IReadOnlyList<string>?> yamlValue, string yamlKey)
        {
            var fromProperty = property(settings);
            if (fromProperty.Count > 0)
            {
                return (fromProperty, $"the MSBuild property {propertyName}");
            }

            var variable = EnvironmentPrefix + variableSuffix;
            var fromEnvironment = splitVariable(environment.Get(variable) ?? string.Empty);
            if (fromEnvironment.Count > 0)
            {
                return (fromEnvironment, $"the environment variable {variable}");
            }

            var fromYaml = yamlValue(yaml)?.Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
            return fromYaml is { Count: > 0 } ? (fromYaml, $"ci.cache.{yamlKey} in '{yaml.FilePath}'") : null;
        }
    }
}
