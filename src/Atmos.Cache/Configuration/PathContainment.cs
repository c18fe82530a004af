using Atmos.Cache.Platform;

namespace Atmos.Cache.Configuration;

/// <summary>Whether one path is a folder or inside it, compared as the file system compares names.</summary>
internal static class PathContainment
{
    internal static bool IsSameOrInside(string candidate, string folder)
    {
        var comparison = FilePlatform.Current.NameComparison;
        var child = Normalize(candidate);
        var parent = Normalize(folder);
        var prefix = Path.EndsInDirectorySeparator(parent) ? parent : parent + Path.DirectorySeparatorChar;
        return child.Equals(parent, comparison) || child.StartsWith(prefix, comparison);
    }

    /// <summary>Whether two paths name the same folder (a trailing separator aside).</summary>
    internal static bool IsSame(string a, string b) => Normalize(a).Equals(Normalize(b), FilePlatform.Current.NameComparison);

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
