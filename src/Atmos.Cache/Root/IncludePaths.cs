namespace Atmos.Cache.Root;

/// <summary>
/// The root-relative include paths of an archive, normalised to forward-slash form, and the files
/// left out although an include covers them. An empty set of includes (or one holding the root
/// itself) covers the whole root.
/// </summary>
internal sealed class IncludePaths
{
    private readonly List<string> _paths;
    private readonly HashSet<string> _excluded;

    private IncludePaths(List<string> paths, HashSet<string> excluded) => (_paths, _excluded) = (paths, excluded);

    public bool CoversEverything => _paths.Count == 0 && _excluded.Count == 0;

    public IReadOnlyList<string> Paths => _paths;

    /// <summary>Normalises the includes by <see cref="IncludePath"/>'s rule; an include that leaves the root is a configuration error.</summary>
    public static IncludePaths Parse(IReadOnlyList<string> includes) => Parse(includes, []);

    /// <summary>As <see cref="Parse(IReadOnlyList{string})"/>, leaving out the files <paramref name="excludes"/> names (exact root-relative paths).</summary>
    public static IncludePaths Parse(IReadOnlyList<string> includes, IReadOnlyList<string> excludes)
    {
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var exclude in excludes)
        {
            if (!string.IsNullOrWhiteSpace(exclude) && IncludePath.Normalize(exclude, source: null) is { Length: > 0 } path)
            {
                excluded.Add(path);
            }
        }

        return new([.. IncludePath.NormalizeAll(includes, source: null)], excluded);
    }

    /// <summary>True when <paramref name="relativePath"/> is an include or lies under one.</summary>
    public bool Covers(string relativePath)
    {
        if (_excluded.Count > 0 && _excluded.Contains(relativePath))
        {
            return false;
        }

        if (_paths.Count == 0)
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
}
