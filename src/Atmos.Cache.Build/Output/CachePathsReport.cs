using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Json;
using System.Text;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Root;

namespace Atmos.Cache.Build.Output;

/// <summary>
/// What Atmos's <c>atmos ci cache paths</c> prints, for teams that let the native
/// <c>actions/cache</c> step store the content: the key, the absolute paths to cache, the
/// credential folders that must never be cached, and the restore keys.
/// </summary>
internal sealed record CachePathsReport(string Key, IReadOnlyList<string> Paths, IReadOnlyList<string> ExcludePaths, IReadOnlyList<string> RestoreKeys)
{
    public const string GitHub = "github";
    public const string Json = "json";
    public const string Yaml = "yaml";
    public const string Env = "env";

    public static IReadOnlyList<string> Formats { get; } = [GitHub, Json, Yaml, Env];

    public static CachePathsReport From(CacheConfig config) => new(
        config.Key,
        config.Includes.Count == 0 ? [config.Root] : [.. config.Includes.Select(include => Path.Combine(config.Root, include))],
        [.. CachePaths.AuthFolders.Select(folder => Path.Combine(config.Root, folder))],
        config.RestoreKeys);

    /// <summary>The format name, defaulting to <c>github</c>; throws a configuration error for an unknown one.</summary>
    public static string NormalizeFormat(string? format)
    {
        var name = string.IsNullOrWhiteSpace(format) ? GitHub : format.Trim().ToLowerInvariant();
        return Formats.Contains(name)
            ? name
            : throw new CacheConfigurationException($"Unknown cache paths format '{format}'. Set AtmosCachePathsFormat to one of: {string.Join(", ", Formats)}.");
    }

    /// <summary>
    /// The <c>github</c> outputs: <c>key</c>, <c>path</c> (glob lines, each exclusion as a <c>!</c> line)
    /// and <c>restore-keys</c>. Paths and exclusions both end in <c>/**</c>: actions/cache honours a
    /// <c>!</c> exclusion only against a wildcard include at the same depth (actions/toolkit#713).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> GitHubOutputs() =>
    [
        new("key", Key),
        new("path", string.Join('\n', GlobLines())),
        new("restore-keys", string.Join('\n', RestoreKeys)),
    ];

    public IEnumerable<string> GlobLines() =>
        Paths.Select(path => Slashes(Path.Combine(path, "**")))
            .Concat(ExcludePaths.Select(path => "!" + Slashes(Path.Combine(path, "**"))));

    /// <summary>The report as text in one of the formats other than the <c>$GITHUB_OUTPUT</c> file.</summary>
    public string Render(string format) => format switch
    {
        GitHub => GitHubOutputFile.Format(GitHubOutputs()),
        Json => JsonSerializer.Serialize(new JsonShape(Key, Paths, ExcludePaths, RestoreKeys), JsonOptions) + "\n",
        Yaml => RenderYaml(),
        Env => RenderEnv(),
        _ => throw new CacheConfigurationException($"Unknown cache paths format '{format}'."),
    };

    private string RenderEnv()
    {
        // Atmos sorts the names; the values are not quoted.
        var separator = Path.PathSeparator.ToString();
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["ATMOS_CI_CACHE_EXCLUDE_PATHS"] = string.Join(separator, ExcludePaths),
            ["ATMOS_CI_CACHE_KEY"] = Key,
            ["ATMOS_CI_CACHE_PATHS"] = string.Join(separator, Paths),
            ["ATMOS_CI_CACHE_RESTORE_KEYS"] = string.Join('\n', RestoreKeys),
        };
        return string.Concat(values.Select(pair => $"{pair.Key}={pair.Value}\n"));
    }

    private string RenderYaml()
    {
        var text = new StringBuilder();
        text.Append("key: ").Append(Quote(Key)).Append('\n');
        List("paths", Paths);
        if (ExcludePaths.Count > 0)
        {
            List("exclude_paths", ExcludePaths);
        }

        List("restore_keys", RestoreKeys);
        return text.ToString();

        void List(string name, IReadOnlyList<string> values)
        {
            text.Append(name).Append(':');
            if (values.Count == 0)
            {
                text.Append(" []\n");
                return;
            }

            text.Append('\n');
            foreach (var value in values)
            {
                text.Append("  - ").Append(Quote(value)).Append('\n');
            }
        }

        // Double-quoted YAML scalars accept JSON string escapes, so a JSON string is a safe YAML string.
        static string Quote(string value) => JsonSerializer.Serialize(value, JsonOptions);
    }

    private static string Slashes(string path) => path.Replace('\\', '/');

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private sealed record JsonShape(
        [property: JsonPropertyName("key")] string Key,
        [property: JsonPropertyName("paths")] IReadOnlyList<string> Paths,
        [property: JsonPropertyName("exclude_paths")] IReadOnlyList<string> ExcludePaths,
        [property: JsonPropertyName("restore_keys")] IReadOnlyList<string> RestoreKeys);
}
