using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Integrity;
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

    public static CacheConfig Resolve(CacheSettings settings, IEnvironment environment) =>
        Resolve(ConfigContext.Create(settings, environment));

    /// <summary>The Atmos cache's configuration (and every shared setting) from an already located context.</summary>
    internal static CacheConfig Resolve(ConfigContext context)
    {
        var (settings, environment, yaml) = (context.Settings, context.Environment, context.Yaml);
        var (workingDirectory, baseDirectory, layers) = (context.WorkingDirectory, context.BaseDirectory, context.Layers);

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

        var readOnly = Flag(layers.Pick(s => s.ReadOnly, "AtmosCacheReadOnly", "READ_ONLY", _ => null, ""), "read-only switch", "AtmosCacheReadOnly", false);
        var lookupOnly = Flag(layers.Pick(s => s.LookupOnly, "AtmosCacheLookupOnly", "LOOKUP_ONLY", _ => null, ""), "lookup-only switch", "AtmosCacheLookupOnly", false);
        var failOnMiss = Flag(layers.Pick(s => s.FailOnMiss, "AtmosCacheFailOnMiss", "FAIL_ON_MISS", _ => null, ""), "fail-on-miss switch", "AtmosCacheFailOnMiss", false);
        var requireSignature = Flag(layers.Pick(s => s.RequireSignature, "AtmosCacheRequireSignature", "REQUIRE_SIGNATURE", _ => null, ""), "signature requirement", "AtmosCacheRequireSignature", true);

        var rootSetting = layers.Pick(s => s.Root, "AtmosCacheRoot", "ROOT", y => y.Root, "root");
        var root = rootSetting is { } rootValue
            ? Path.GetFullPath(rootValue.Value, baseDirectory)
            : CacheRoot.Resolve(environment);
        RootPathCheck.EnsureUsable(root, rootSetting?.Source);
        var localDirectory = ResolveLocalDirectory(layers, root, baseDirectory);
        var includes = layers.PickList(
            s => Split(s.Paths, ';'), "AtmosCachePaths",
            "PATHS", value => Split(value, Path.PathSeparator),
            y => y.Paths, "paths");

        var unmatched = new List<string>();
        var (key, restoreKeys, skipped, keySource) = ResolveKeys(layers, yaml, root, baseDirectory, unmatched);
        NamingSource(keySource, () => { KeyValidator.Validate(key, restoreKeys); return 0; });

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
            S3 = ResolveS3(layers),
            WorkingDirectory = workingDirectory,
            BaseDirectory = baseDirectory,
            SkippedRestoreKeys = skipped,
            ReadOnly = readOnly,
            ServiceMode = ServiceModes.FromEnvironment(environment),
            LookupOnly = lookupOnly,
            FailOnMiss = failOnMiss,
            // Environment only: an MSBuild property would put the secret into binary logs.
            Signer = EntrySigner.FromEnvironment(environment),
            RequireSignature = requireSignature,
            UnmatchedFilePatterns = [.. unmatched.Distinct(StringComparer.Ordinal)],
        };
    }

    private static bool Flag(ConfigValue? value, string setting, string property, bool fallback) =>
        value is { } set ? ConfigValueParser.ParseBoolean(set, setting, property) : fallback;

    private static (string Key, IReadOnlyList<string> RestoreKeys, IReadOnlyList<SkippedRestoreKey> Skipped, string KeySource) ResolveKeys(
        ConfigLayers layers, AtmosYamlSettings yaml, string root, string baseDirectory, List<string> unmatched)
    {
        var keyTemplate = layers.Pick(s => s.Key, "AtmosCacheKey", "KEY", y => y.Key, "key");
        var restoreTemplates = layers.PickList(
            s => Split(s.RestoreKeys, ';'), "AtmosCacheRestoreKeys",
            "RESTORE_KEYS", value => Split(value, '\n'),
            y => y.RestoreKeys, "restore_keys");

        // A failing primary key stops the build; a failing restore key is left out, as the Atmos CLI does.
        var key = keyTemplate is { } template
            ? NamingSource($"the key template is from {template.Source}", () => KeyTemplate.Render(template.Value, baseDirectory, RecursiveDoubleStar(template.Source), unmatched))
            : DefaultKeys.Key(DefaultLockfile(yaml, root, baseDirectory));

        var skipped = new List<SkippedRestoreKey>();
        var restoreKeys = new List<string>();
        if (restoreTemplates is { } templates)
        {
            foreach (var restoreTemplate in templates.Values)
            {
                try
                {
                    restoreKeys.Add(KeyTemplate.Render(restoreTemplate, baseDirectory, RecursiveDoubleStar(templates.Source), unmatched));
                }
                catch (CacheConfigurationException e)
                {
                    skipped.Add(new SkippedRestoreKey(restoreTemplate, e.Message));
                }
            }
        }
        else if (keyTemplate is null)
        {
            restoreKeys.Add(DefaultKeys.RestoreKey());
        }

        var keySource = keyTemplate is { } k ? $"the key template is from {k.Source}" : "the key is the default";
        return (key, restoreKeys, skipped, restoreTemplates is { } r ? $"{keySource}; the restore-key templates are from {r.Source}" : keySource);
    }

    /// <summary>Runs <paramref name="action"/>; a configuration error it throws also says where the value came from.</summary>
    internal static T NamingSource<T>(string source, Func<T> action)
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

    private static S3Config ResolveS3(ConfigLayers layers) => new()
    {
        Bucket = layers.Pick(s => s.S3Bucket, "AtmosCacheS3Bucket", "S3_BUCKET", y => y.S3Bucket, "s3.bucket")?.Value,
        Prefix = layers.Pick(s => s.S3Prefix, "AtmosCacheS3Prefix", "S3_PREFIX", y => y.S3Prefix, "s3.prefix")?.Value ?? S3Config.DefaultPrefix,
        Region = layers.Pick(s => s.S3Region, "AtmosCacheS3Region", "S3_REGION", y => y.S3Region, "s3.region")?.Value,
        Endpoint = layers.Pick(s => s.S3Endpoint, "AtmosCacheS3Endpoint", "S3_ENDPOINT", y => y.S3Endpoint, "s3.endpoint")?.Value,
        PathStyle = layers.Pick(s => s.S3PathStyle, "AtmosCacheS3PathStyle", "S3_PATH_STYLE", y => y.S3PathStyle, "s3.path_style") is { } pathStyle
            && ConfigValueParser.ParseBoolean(pathStyle, "S3 path-style addressing", "AtmosCacheS3PathStyle"),
    };

    // Inputs the Atmos CLI also reads (atmos.yaml, ATMOS_CI_CACHE_*) must render as Atmos renders them, where
    // "**" matches like "*"; only MSBuild properties, which Atmos never sees, may use a recursive "**".
    internal static bool RecursiveDoubleStar(string source) => source.StartsWith(ConfigValue.PropertySourcePrefix, StringComparison.Ordinal);

    // Only an explicit toolchain.lock_file moves the lockfile; Atmos resolves a relative one against the folder it
    // runs in, the base folder.
    private static string DefaultLockfile(AtmosYamlSettings yaml, string root, string baseDirectory) =>
        string.IsNullOrWhiteSpace(yaml.ToolchainLockFile)
            ? DefaultKeys.LockfilePath(root)
            : Path.GetFullPath(yaml.ToolchainLockFile.Trim(), baseDirectory);

    internal static string ResolveLocalDirectory(ConfigLayers layers, string root, string baseDirectory)
    {
        var configured = layers.Pick(s => s.LocalDirectory, "AtmosCacheLocalDirectory", "LOCAL_DIR", _ => null, "");
        if (configured is { } value)
        {
            var directory = Path.GetFullPath(value.Value, baseDirectory);
            if (PathContainment.IsSameOrInside(directory, root))
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

    internal static IReadOnlyList<string> Split(string? value, char separator) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(separator).Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
}
