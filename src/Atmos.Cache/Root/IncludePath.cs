using Atmos.Cache.Errors;

namespace Atmos.Cache.Root;

/// <summary>
/// The one rule for a root-relative include path, applied both when the configuration is resolved
/// and when an archive is written: trimmed; <c>\</c> read as <c>/</c>; empty and <c>.</c> segments
/// dropped; absolute paths (leading slash, rooted, drive letter) and <c>..</c> segments rejected.
/// A path that is the root itself (<c>.</c>) means the whole root.
/// </summary>
internal static class IncludePath
{
    /// <summary>
    /// Normalises a list of include paths: blank entries are skipped, duplicates dropped, and an
    /// empty result means the whole root (as does any entry naming the root itself).
    /// </summary>
    /// <param name="entries">The include paths as configured.</param>
    /// <param name="source">Where the paths came from (e.g. <c>AtmosCachePaths</c>), for the error message; null when not known.</param>
    public static IReadOnlyList<string> NormalizeAll(IEnumerable<string> entries, string? source)
    {
        var paths = new List<string>();
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                continue;
            }

            var path = Normalize(entry, source);
            if (path.Length == 0)
            {
                return [];
            }

            if (!paths.Contains(path, StringComparer.Ordinal))
            {
                paths.Add(path);
            }
        }

        return paths;
    }

    /// <summary>One include path in forward-slash form; empty for the root itself.</summary>
    public static string Normalize(string raw, string? source)
    {
        var text = raw.Trim();
        if (IsAbsolute(text))
        {
            throw Error(text, source, "is absolute; include paths are relative to the cache root");
        }

        var segments = new List<string>();
        foreach (var segment in text.Replace('\\', '/').Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                throw Error(text, source, "leaves the cache root ('..'); include paths must stay inside it");
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    private static bool IsAbsolute(string text) =>
        text.StartsWith('/') || text.StartsWith('\\') || Path.IsPathRooted(text)
        || (text.Length >= 2 && text[1] == ':' && char.IsAsciiLetter(text[0]));

    private static CacheConfigurationException Error(string path, string? source, string problem) =>
        new(source is null
            ? $"The cache include path '{path}' {problem}."
            : $"The cache include path '{path}' from {source} {problem}. Fix AtmosCachePaths (or ci.cache.paths).");
}
