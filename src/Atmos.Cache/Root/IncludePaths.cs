using Atmos.Cache.Errors;

namespace Atmos.Cache.Root;

/// <summary>
/// The root-relative include paths of an archive, normalised to forward-slash form.
/// An empty set (or one holding the root itself) covers the whole root.
/// </summary>
internal sealed class IncludePaths
{
    private readonly List<string> _paths;

    private IncludePaths(List<string> paths) => _paths = paths;

    public bool CoversEverything => _paths.Count == 0;

    public IReadOnlyList<string> Paths => _paths;

    /// <summary>Normalises the configured includes; an include that leaves the root is a configuration error.</summary>
    public static IncludePaths Parse(IReadOnlyList<string> includes)
    {
        var paths = new List<string>();
        foreach (var raw in includes)
        {
            var normalized = Normalize(raw);
            if (normalized.Length == 0)
            {
                // The root itself: everything is included.
                return new IncludePaths([]);
            }

            if (!paths.Contains(normalized, StringComparer.Ordinal))
            {
                paths.Add(normalized);
            }
        }

        return new IncludePaths(paths);
    }

    /// <summary>True when <paramref name="relativePath"/> is an include or lies under one.</summary>
    public bool Covers(string relativePath)
    {
        if (CoversEverything)
        {
            return true;
        }

        foreach (var include in _paths)
        {
            if (IsSameOrUnder(relativePath, include))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the folder <paramref name="relativePath"/> is an ancestor of an include (so the walk must enter it).</summary>
    public bool IsAncestorOfInclude(string relativePath)
    {
        foreach (var include in _paths)
        {
            if (include.Length > relativePath.Length
                && include[relativePath.Length] == '/'
                && include.StartsWith(relativePath, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSameOrUnder(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal)
        && (path.Length == prefix.Length || path[prefix.Length] == '/');

    private static string Normalize(string raw)
    {
        var text = raw.Trim();
        if (OperatingSystem.IsWindows())
        {
            text = text.Replace('\\', '/');
        }

        if (text.StartsWith('/') || Path.IsPathRooted(text) || (text.Length >= 2 && text[1] == ':' && char.IsAsciiLetter(text[0])))
        {
            throw new CacheConfigurationException(
                $"The cache include path '{raw}' is absolute; include paths must be relative to the cache root.");
        }

        var segments = new List<string>();
        foreach (var segment in text.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    throw new CacheConfigurationException(
                        $"The cache include path '{raw}' leaves the cache root; include paths must stay inside it.");
                }

                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }
}
