using System.Security.Cryptography;

namespace Atmos.Cache.Tests.Support;

/// <summary>
/// A recursive listing of a folder (not following links): path, kind, size, mode, modification
/// time, link target and a content hash. Two equal listings mean the trees are the same.
/// </summary>
internal static class TreeListing
{
    public static List<string> Of(string root, bool withFolderTimes = true)
    {
        var lines = new List<string>();
        if (Directory.Exists(root))
        {
            Walk(root, string.Empty, lines, withFolderTimes);
        }

        return lines;
    }

    /// <summary>The listing without the state folder, whose lock and marker a manager operation always touches.</summary>
    public static List<string> OfContent(string root) =>
        [.. Of(root).Where(static line => !line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1].Split('/')[0].Equals(".atmos-cache", StringComparison.Ordinal))];

    public static void AssertSame(List<string> expected, List<string> actual)
    {
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.IsTrue(missing.Count == 0 && extra.Count == 0,
            $"Trees differ.\nOnly before/expected:\n  {string.Join("\n  ", missing)}\nOnly after/actual:\n  {string.Join("\n  ", extra)}");
    }

    private static void Walk(string folder, string relative, List<string> lines, bool withFolderTimes)
    {
        var children = new DirectoryInfo(folder).GetFileSystemInfos();
        Array.Sort(children, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var child in children)
        {
            var path = relative.Length == 0 ? child.Name : relative + "/" + child.Name;
            if (child.LinkTarget is { } target)
            {
                lines.Add($"link {path} -> {target}");
            }
            else if (child is DirectoryInfo)
            {
                var time = withFolderTimes ? child.LastWriteTimeUtc.Ticks.ToString() : "-";
                lines.Add($"dir  {path} mode={Mode(child)} mtime={time}");
                Walk(child.FullName, path, lines, withFolderTimes);
            }
            else
            {
                var file = (FileInfo)child;
                lines.Add($"file {path} size={file.Length} mode={Mode(file)} mtime={file.LastWriteTimeUtc.Ticks} sha256={Hash(file.FullName)}");
            }
        }
    }

    private static string Mode(FileSystemInfo info) =>
        OperatingSystem.IsWindows() ? "-" : Convert.ToString((int)info.UnixFileMode, 8);

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream))[..16];
    }
}
