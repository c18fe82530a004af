using System.Text.RegularExpressions;
using Atmos.Cache.Archiving;
using Atmos.Cache.Caches.NuGet;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Keys;
using Atmos.Cache.Root;

namespace Atmos.Cache.Caches;

/// <summary>
/// Resolves every cache of a build from one configuration context: the Atmos cache (as
/// <see cref="ConfigResolver"/> resolves it, with every shared setting), the NuGet packages cache and the
/// user caches. Defaults: in the SDK form the NuGet cache is on and the Atmos cache only when it is
/// configured or its root has content; in the PackageReference form the Atmos cache is on, as before.
/// </summary>
public static partial class CacheSetResolver
{
    /// <summary>The <c>Form</c> setting of the SDK form.</summary>
    public const string SdkForm = "sdk";

    public static CacheSet Resolve(CacheSettings settings, IReadOnlyList<UserCacheSettings> userCaches, IEnvironment environment)
    {
        var context = ConfigContext.Create(settings, environment);
        var atmos = ConfigResolver.Resolve(context);
        var sdkForm = string.Equals(settings.Form?.Trim(), SdkForm, StringComparison.OrdinalIgnoreCase);
        var notes = new List<string>();
        var advice = new List<string>();
        var caches = new List<CacheConfig>();

        if (!sdkForm || AtmosCacheConfigured(context) || HasContent(atmos.Root))
        {
            caches.Add(atmos);
        }
        else
        {
            notes.Add($"the Atmos cache is not used: nothing configures it (AtmosCacheRoot, AtmosCacheKey, ATMOS_CI_CACHE_ROOT, ci.cache in atmos.yaml) and its root '{atmos.Root}' is empty");
        }

        var packagesFolder = NuGetPackagesFolder.Resolve(settings.RestorePackagesPath, context.WorkingDirectory, environment);
        if (!sdkForm && caches.Any(c => PathContainment.IsSame(c.Root, packagesFolder.Path)))
        {
            advice.Add($"the cache root '{packagesFolder.Path}' is the NuGet packages folder. Restored after NuGet restore (the PackageReference form), it cannot spare any download; use the SDK form (msbuild-sdks in global.json, see the README), which restores it before NuGet restore.");
        }

        if (NuGetCache(context, atmos, packagesFolder, sdkForm, caches, notes, advice) is { } nuget)
        {
            caches.Add(nuget);
        }

        foreach (var user in userCaches.Concat(context.Yaml.Caches))
        {
            caches.Add(UserCache(context, atmos, user));
        }

        EnsureDistinct(caches);
        return new CacheSet(atmos, caches) { Notes = notes, Advice = advice };
    }

    private static bool AtmosCacheConfigured(ConfigContext context)
    {
        var (settings, layers) = (context.Settings, context.Layers);
        return layers.Pick(s => s.Root, "AtmosCacheRoot", "ROOT", y => y.Root, "root") is not null
            || layers.Pick(s => s.Key, "AtmosCacheKey", "KEY", y => y.Key, "key") is not null
            || !string.IsNullOrWhiteSpace(settings.Paths) || context.Yaml.Paths is { Count: > 0 }
            || !string.IsNullOrWhiteSpace(context.Environment.Get(ConfigResolver.EnvironmentPrefix + "PATHS"));
    }

    private static bool HasContent(string root)
    {
        try
        {
            return Directory.Exists(root)
                && Directory.EnumerateFileSystemEntries(root).Any(e => !string.Equals(Path.GetFileName(e), CachePaths.StateFolder, StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static CacheConfig? NuGetCache(
        ConfigContext context, CacheConfig atmos, (string Path, string Source) packagesFolder, bool sdkForm,
        List<CacheConfig> caches, List<string> notes, List<string> advice)
    {
        var layers = context.Layers;
        var enabled = layers.Pick(s => s.NuGet, "AtmosCacheNuGet", "NUGET", y => y.NuGetEnabled, "nuget.enabled") is { } value
            ? ConfigValueParser.ParseBoolean(value, "NuGet cache switch", "AtmosCacheNuGet")
            : sdkForm;
        if (!enabled)
        {
            if (sdkForm)
            {
                notes.Add("the NuGet cache is off (AtmosCacheNuGet, ATMOS_CI_CACHE_NUGET or ci.cache.nuget.enabled)");
            }

            return null;
        }

        var rootSetting = layers.Pick(s => s.NuGetRoot, "AtmosCacheNuGetRoot", "NUGET_ROOT", y => y.NuGetRoot, "nuget.root");
        var root = rootSetting is { } r
            ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(r.Value, context.BaseDirectory))
            : packagesFolder.Path;
        RootPathCheck.EnsureUsable(root, rootSetting?.Source ?? packagesFolder.Source);
        if (caches.FirstOrDefault(c => PathContainment.IsSame(c.Root, root)) is { } same)
        {
            notes.Add($"the NuGet cache is not used: the {same.Name} cache already has its folder '{root}' as root");
            return null;
        }

        if (!sdkForm)
        {
            advice.Add($"the NuGet cache restores '{root}' after NuGet restore in the PackageReference form, so it cannot spare any download; use the SDK form (msbuild-sdks in global.json, see the README), which restores it before NuGet restore.");
        }

        var unmatched = new List<string>();
        var keyTemplate = layers.Pick(s => s.NuGetKey, "AtmosCacheNuGetKey", "NUGET_KEY", y => y.NuGetKey, "nuget.key");
        var prefix = $"{CacheNames.NuGet}-{DotNetPlatform.Os}-{DotNetPlatform.Arch}-";
        var key = keyTemplate is { } template
            ? ConfigResolver.NamingSource($"the key template is from {template.Source}",
                () => KeyTemplate.Render(template.Value, context.BaseDirectory, ConfigResolver.RecursiveDoubleStar(template.Source), unmatched))
            : prefix + NuGetRestoreInputs.Hash(context.BaseDirectory, root);
        var restoreTemplates = layers.PickList(
            s => ConfigResolver.Split(s.NuGetRestoreKeys, ';'), "AtmosCacheNuGetRestoreKeys",
            "NUGET_RESTORE_KEYS", v => ConfigResolver.Split(v, '\n'),
            y => y.NuGetRestoreKeys, "nuget.restore_keys");
        var (restoreKeys, skipped) = RenderRestoreKeys(restoreTemplates, context.BaseDirectory, unmatched);
        if (restoreTemplates is null && keyTemplate is null)
        {
            restoreKeys = [prefix];
        }

        ConfigResolver.NamingSource("the NuGet cache's key", () => { KeyValidator.Validate(key, restoreKeys); return 0; });

        // The NuGet cache is this package's own (the Atmos CLI never reads it), so unless a
        // compression is set it uses zstd: a smaller archive, a faster save and restore.
        var compressionSet = layers.Pick(s => s.Compression, "AtmosCacheCompression", "COMPRESSION", y => y.Compression, "compression") is not null;
        return atmos with
        {
            Name = CacheNames.NuGet,
            Kind = CacheKind.NuGet,
            Compression = compressionSet ? atmos.Compression : ArchiveCompression.Zstd,
            Root = root,
            Includes = [],
            Key = key,
            RestoreKeys = restoreKeys,
            SkippedRestoreKeys = skipped,
            UnmatchedFilePatterns = [.. unmatched.Distinct(StringComparer.Ordinal)],
            LocalDirectory = ConfigResolver.ResolveLocalDirectory(layers, root, context.BaseDirectory),
        };
    }

    private static CacheConfig UserCache(ConfigContext context, CacheConfig atmos, UserCacheSettings user)
    {
        var name = user.Name.Trim();
        if (!CacheName().IsMatch(name) || name.Equals(CacheNames.Atmos, StringComparison.OrdinalIgnoreCase) || name.Equals(CacheNames.NuGet, StringComparison.OrdinalIgnoreCase))
        {
            throw new CacheConfigurationException(
                $"The cache name '{name}' from {user.Source} is not usable: use letters, digits, '.', '-' or '_' (starting with a letter or digit), and not 'atmos' or 'nuget', which are the built-in caches.");
        }

        if (string.IsNullOrWhiteSpace(user.Root) || string.IsNullOrWhiteSpace(user.Key))
        {
            throw new CacheConfigurationException($"The cache '{name}' from {user.Source} needs both a Root (the folder to cache) and a Key (its key template).");
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(user.Root.Trim(), context.BaseDirectory));
        RootPathCheck.EnsureUsable(root, $"the Root of the cache '{name}' ({user.Source})");
        var recursive = !user.Source.StartsWith("ci.cache", StringComparison.Ordinal);
        var unmatched = new List<string>();
        var key = ConfigResolver.NamingSource($"the key template of the cache '{name}' is from {user.Source}",
            () => KeyTemplate.Render(user.Key.Trim(), context.BaseDirectory, recursive, unmatched));
        var templates = ConfigResolver.Split(user.RestoreKeys, ';');
        var (restoreKeys, skipped) = RenderRestoreKeys(templates.Count > 0 ? (templates, user.Source) : null, context.BaseDirectory, unmatched, recursive);
        ConfigResolver.NamingSource($"the cache '{name}' from {user.Source}", () => { KeyValidator.Validate(key, restoreKeys); return 0; });
        var includes = ConfigResolver.Split(user.Paths, ';');
        return atmos with
        {
            Name = name,
            Kind = CacheKind.User,
            Root = root,
            Includes = includes.Count == 0 ? [] : ConfigValueParser.NormalizeIncludes(includes, $"the Paths of the cache '{name}' ({user.Source})"),
            Key = key,
            RestoreKeys = restoreKeys,
            SkippedRestoreKeys = skipped,
            UnmatchedFilePatterns = [.. unmatched.Distinct(StringComparer.Ordinal)],
            LocalDirectory = ConfigResolver.ResolveLocalDirectory(context.Layers, root, context.BaseDirectory),
        };
    }

    private static (IReadOnlyList<string> Keys, IReadOnlyList<SkippedRestoreKey> Skipped) RenderRestoreKeys(
        (IReadOnlyList<string> Values, string Source)? templates, string baseDirectory, List<string> unmatched, bool? recursive = null)
    {
        var keys = new List<string>();
        var skipped = new List<SkippedRestoreKey>();
        if (templates is not { } list)
        {
            return (keys, skipped);
        }

        foreach (var template in list.Values)
        {
            try
            {
                keys.Add(KeyTemplate.Render(template, baseDirectory, recursive ?? ConfigResolver.RecursiveDoubleStar(list.Source), unmatched));
            }
            catch (CacheConfigurationException e)
            {
                skipped.Add(new SkippedRestoreKey(template, e.Message));
            }
        }

        return (keys, skipped);
    }

    // Two caches on one folder, or one inside another, would archive and overwrite each other.
    private static void EnsureDistinct(IReadOnlyList<CacheConfig> caches)
    {
        for (var i = 0; i < caches.Count; i++)
        {
            for (var j = i + 1; j < caches.Count; j++)
            {
                var (a, b) = (caches[i], caches[j]);
                if (string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase))
                {
                    throw new CacheConfigurationException($"Two caches are named '{a.Name}'. Give each AtmosCache item and ci.cache.caches entry its own name.");
                }

                if (PathContainment.IsSameOrInside(a.Root, b.Root) || PathContainment.IsSameOrInside(b.Root, a.Root))
                {
                    throw new CacheConfigurationException(
                        $"The caches '{a.Name}' ('{a.Root}') and '{b.Name}' ('{b.Root}') overlap: one root is inside the other, so each would archive and overwrite the other's files. Give them separate folders.");
                }
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex CacheName();
}
