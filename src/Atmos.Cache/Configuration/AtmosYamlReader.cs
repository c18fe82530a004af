using Atmos.Cache.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Atmos.Cache.Configuration;

/// <summary>
/// Reads <c>ci.cache</c> and <c>toolchain.lock_file</c> from an <c>atmos.yaml</c>. Every other section is
/// ignored. Keys match case-insensitively (Atmos loads the file through Viper, which lower-cases keys).
/// Atmos YAML functions (<c>!env</c>, <c>!exec</c>...) and <c>import</c> are not evaluated.
/// </summary>
internal static class AtmosYamlReader
{
    private const string CachePrefix = "ci.cache.";

    internal static AtmosYamlSettings Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CacheConfigurationException($"The atmos.yaml file '{path}' cannot be read: {e.Message}", e);
        }

        var root = Load(text, path);
        if (root is null)
        {
            return new AtmosYamlSettings { FilePath = path };
        }

        var cache = Mapping(Child(Mapping(Child(root, "ci"), "ci", path), "cache"), "ci.cache", path);
        var toolchain = Mapping(Child(root, "toolchain"), "toolchain", path);
        var s3 = Mapping(Child(cache, "s3"), "ci.cache.s3", path);
        var nuget = Mapping(Child(cache, "nuget"), "ci.cache.nuget", path);
        return new AtmosYamlSettings
        {
            FilePath = path,
            Enabled = Scalar(cache, "enabled", path),
            Auto = Scalar(cache, "auto", path),
            Root = Scalar(cache, "root", path),
            Paths = List(cache, "paths", path),
            Key = Scalar(cache, "key", path),
            RestoreKeys = List(cache, "restore_keys", path),
            Compression = Scalar(cache, "compression", path),
            ToolchainLockFile = Scalar(toolchain, "lock_file", path, "toolchain."),
            S3Bucket = Scalar(s3, "bucket", path, "ci.cache.s3."),
            S3Prefix = Scalar(s3, "prefix", path, "ci.cache.s3."),
            S3Region = Scalar(s3, "region", path, "ci.cache.s3."),
            S3Endpoint = Scalar(s3, "endpoint", path, "ci.cache.s3."),
            S3PathStyle = Scalar(s3, "path_style", path, "ci.cache.s3."),
            NuGetEnabled = Scalar(nuget, "enabled", path, "ci.cache.nuget."),
            NuGetRoot = Scalar(nuget, "root", path, "ci.cache.nuget."),
            NuGetKey = Scalar(nuget, "key", path, "ci.cache.nuget."),
            NuGetRestoreKeys = List(nuget, "restore_keys", path, "ci.cache.nuget."),
            Caches = UserCaches(cache, path),
        };
    }

    private static YamlMappingNode? Load(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw Malformed(path, e.Start.Line, e.Start.Column, e.Message, e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException or NotSupportedException)
        {
            // YamlDotNet reports some malformed shapes (an unclosed collection followed by a
            // mis-indented line...) without a position: find where its parser stopped.
            var (line, column) = LastParsedPosition(text);
            throw Malformed(path, line, column, e.Message, e);
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        return stream.Documents[0].RootNode switch
        {
            YamlMappingNode mapping => mapping,
            YamlScalarNode scalar when IsNull(scalar) => null,
            _ => throw new CacheConfigurationException(
                $"The atmos.yaml file '{path}' does not hold a mapping at its top level. Fix the file or point AtmosCacheConfigFile elsewhere."),
        };
    }

    private static CacheConfigurationException Malformed(string path, long line, long column, string detail, Exception inner) =>
        new($"The atmos.yaml file '{path}' is not valid YAML (line {line}, column {column}): {detail} Fix the file or point AtmosCacheConfigFile elsewhere.", inner);

    /// <summary>The position of the last YAML event the parser read before it gave up.</summary>
    private static (long Line, long Column) LastParsedPosition(string text)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        (long, long) position = (1, 1);
        try
        {
            while (parser.MoveNext())
            {
                if (parser.Current is { } current)
                {
                    position = (current.End.Line, current.End.Column);
                }
            }
        }
        catch (YamlException e)
        {
            return (e.Start.Line, e.Start.Column);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException or NotSupportedException)
        {
            // Keep the last good position.
        }

        return position;
    }

    private static YamlNode? Child(YamlMappingNode? mapping, string key)
    {
        if (mapping is null)
        {
            return null;
        }

        foreach (var (name, value) in mapping.Children)
        {
            if (name is YamlScalarNode scalar && string.Equals(scalar.Value, key, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static YamlMappingNode? Mapping(YamlNode? node, string name, string path) => node switch
    {
        null => null,
        YamlMappingNode mapping => mapping,
        YamlScalarNode scalar when IsNull(scalar) => null,
        _ => throw new CacheConfigurationException($"'{name}' in '{path}' must be a mapping. Fix the atmos.yaml file."),
    };

    private static string? Scalar(YamlMappingNode? mapping, string key, string path, string prefix = CachePrefix)
    {
        var node = Child(mapping, key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            throw new CacheConfigurationException($"'{prefix}{key}' in '{path}' must be a single value. Fix the atmos.yaml file.");
        }

        RejectYamlFunction(scalar, prefix + key, path);
        return IsNull(scalar) || string.IsNullOrWhiteSpace(scalar.Value) ? null : scalar.Value;
    }

    /// <summary><c>ci.cache.caches</c>: a list of mappings with <c>name</c>, <c>root</c>, <c>key</c>, <c>restore_keys</c> and <c>paths</c>.</summary>
    private static IReadOnlyList<UserCacheSettings> UserCaches(YamlMappingNode? cache, string path)
    {
        switch (Child(cache, "caches"))
        {
            case null:
                return [];
            case YamlScalarNode scalar when IsNull(scalar):
                return [];
            case YamlSequenceNode sequence:
                var caches = new List<UserCacheSettings>();
                foreach (var item in sequence.Children)
                {
                    var entry = Mapping(item, "an entry of ci.cache.caches", path)
                        ?? throw new CacheConfigurationException($"Every entry of 'ci.cache.caches' in '{path}' must be a mapping (name, root, key, restore_keys, paths). Fix the atmos.yaml file.");
                    const string prefix = "ci.cache.caches[].";
                    caches.Add(new UserCacheSettings
                    {
                        Name = Scalar(entry, "name", path, prefix) ?? "",
                        Root = Scalar(entry, "root", path, prefix),
                        Key = Scalar(entry, "key", path, prefix),
                        RestoreKeys = string.Join(";", List(entry, "restore_keys", path, prefix) ?? []),
                        Paths = string.Join(";", List(entry, "paths", path, prefix) ?? []),
                        Source = $"ci.cache.caches in '{path}'",
                    });
                }

                return caches;
            default:
                throw new CacheConfigurationException($"'ci.cache.caches' in '{path}' must be a list. Fix the atmos.yaml file.");
        }
    }

    private static IReadOnlyList<string>? List(YamlMappingNode? mapping, string key, string path, string prefix = CachePrefix)
    {
        var node = Child(mapping, key);
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode scalar:
                // A single value where a list is expected is read as a one-item list.
                RejectYamlFunction(scalar, prefix + key, path);
                return IsNull(scalar) || string.IsNullOrWhiteSpace(scalar.Value) ? null : [scalar.Value];
            case YamlSequenceNode sequence:
                var items = new List<string>();
                foreach (var item in sequence.Children)
                {
                    if (item is not YamlScalarNode itemScalar)
                    {
                        throw new CacheConfigurationException($"Every entry of '{prefix}{key}' in '{path}' must be a single value. Fix the atmos.yaml file.");
                    }

                    RejectYamlFunction(itemScalar, prefix + key, path);
                    if (!IsNull(itemScalar) && !string.IsNullOrWhiteSpace(itemScalar.Value))
                    {
                        items.Add(itemScalar.Value!);
                    }
                }

                return items;
            default:
                throw new CacheConfigurationException($"'{prefix}{key}' in '{path}' must be a list. Fix the atmos.yaml file.");
        }
    }

    private static void RejectYamlFunction(YamlScalarNode scalar, string name, string path)
    {
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && !scalar.Tag.Value.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal))
        {
            throw new CacheConfigurationException(
                $"'{name}' in '{path}' uses the Atmos YAML function {scalar.Tag.Value}, which this package does not evaluate. Write the value literally, or set it through the matching ATMOS_CI_CACHE_* variable or MSBuild property.");
        }
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
}
