namespace Atmos.Cache.Tests.Support;

/// <summary>
/// A recursive listing of a folder (paths, types, sizes, permission bits, modification times, link
/// targets and content hashes), for asserting that two trees are identical.
/// </summary>
public static class TreeListing
{
    public static IReadOnlyList<string> Of(string root, params string[] excludeTopLevel)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var lines = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (excludeTopLevel.Contains(relative.Split('/')[0]))
            {
                continue;
            }

            lines.Add(Describe(path, relative));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    // Tar keeps modification times in whole seconds, so that is the precision a round trip preserves.
    private static long Seconds(DateTime utc) => new DateTimeOffset(utc).ToUnixTimeSeconds();

    private static string Describe(string path, string relative)
    {
        var info = new FileInfo(path);
        var mode = OperatingSystem.IsWindows() ? "" : Convert.ToString((int)File.GetUnixFileMode(path), 8);
        if (info.LinkTarget is { } target)
        {
            return $"{relative} -> {target}";
        }

        if (Directory.Exists(path))
        {
            return $"{relative}/ mode={mode} mtime={Seconds(Directory.GetLastWriteTimeUtc(path))}";
        }

        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        return $"{relative} size={info.Length} mode={mode} mtime={Seconds(info.LastWriteTimeUtc)} sha256={hash}";
    }
}
