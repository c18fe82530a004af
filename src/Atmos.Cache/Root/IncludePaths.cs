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

    /// <summary>Normalises the includes by <see cref="IncludePath"/>'s rule; an include that leaves the root is a configuration error.</summary>
    public static IncludePaths Parse(IReadOnlyList<string> includes) => new([.. IncludePath.NormalizeAll(includes, source: null)]);

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
}
