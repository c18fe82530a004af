using Atmos.Cache.Platform;

namespace Atmos.Cache.Configuration;

/// <summary>Whether one path is a folder or inside it, compared as the file system compares names.</summary>
internal static class PathContainment
{
    internal static bool IsSameOrInside(string candidate, string folder)
    {
        var comparison = FilePlatform.Current.NameComparison;
        var child = Path.TrimEndingDirectorySeparator(Path.GetFullPath(candidate));
        var parent = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var prefix = Path.EndsInDirectorySeparator(parent) ? parent : parent + Path.DirectorySeparatorChar;
        return child.Equals(parent, comparison) || child.StartsWith(prefix, comparison);
    }
}
