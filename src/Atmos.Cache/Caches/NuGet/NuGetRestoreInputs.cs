using System.Security.Cryptography;
using System.Text;
using Atmos.Cache.Keys;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Caches.NuGet;

/// <summary>
/// The files whose content decides which packages NuGet restores, hashed into the NuGet cache's key:
/// every <c>packages.lock.json</c> under the base folder when there are any (they pin the whole graph);
/// else every <c>Directory.Packages.props</c>, <c>Directory.Build.props</c>, <c>Directory.Build.targets</c>,
/// project file (<c>*.csproj</c>, <c>*.fsproj</c>, <c>*.vbproj</c>), <c>NuGet.config</c> and
/// <c>global.json</c>. Folders named <c>bin</c>, <c>obj</c> or <c>node_modules</c>, hidden folders and the
/// packages folder itself are not searched.
/// </summary>
internal static class NuGetRestoreInputs
{
    private static readonly string[] ProjectExtensions = [".csproj", ".fsproj", ".vbproj"];
    private static readonly string[] InputNames =
        ["Directory.Packages.props", "Directory.Build.props", "Directory.Build.targets", "nuget.config", "global.json"];
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules"];

    /// <summary>The first 16 hex characters of a SHA-256 over the inputs (each file's base-relative path, then its bytes), or <c>no-files</c>.</summary>
    public static string Hash(string baseDirectory, string packagesFolder)
    {
        var files = Find(baseDirectory, packagesFolder);
        if (files.Count == 0)
        {
            return HashFiles.NoFiles;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(baseDirectory, file).Replace('\\', '/') + "\n"));
            try
            {
                hash.AppendData(File.ReadAllBytes(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable input still counts by its name; NuGet will say what is wrong with it.
            }
        }

        return HashFiles.ToHex(hash.GetHashAndReset())[..HashFiles.HashLength];
    }

    /// <summary>The inputs in a stable order (ordinal by base-relative path).</summary>
    public static IReadOnlyList<string> Find(string baseDirectory, string packagesFolder)
    {
        var lockFiles = new List<string>();
        var others = new List<string>();
        var skip = Path.TrimEndingDirectorySeparator(Path.GetFullPath(packagesFolder));
        var pending = new Stack<string>();
        pending.Push(baseDirectory);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(folder).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                var name = Path.GetFileName(entry);
                if (Directory.Exists(entry))
                {
                    if (!name.StartsWith('.') && !SkippedFolders.Contains(name, StringComparer.OrdinalIgnoreCase)
                        && !string.Equals(Path.TrimEndingDirectorySeparator(entry), skip, PathComparison)
                        && !new FileInfo(entry).Attributes.HasFlag(FileAttributes.ReparsePoint))
                    {
                        pending.Push(entry);
                    }
                }
                else if (string.Equals(name, "packages.lock.json", StringComparison.OrdinalIgnoreCase))
                {
                    lockFiles.Add(entry);
                }
                else if (InputNames.Contains(name, StringComparer.OrdinalIgnoreCase)
                         || ProjectExtensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase))
                {
                    others.Add(entry);
                }
            }
        }

        var chosen = lockFiles.Count > 0 ? lockFiles : others;
        chosen.Sort((a, b) => string.CompareOrdinal(Path.GetRelativePath(baseDirectory, a), Path.GetRelativePath(baseDirectory, b)));
        return chosen;
    }

    private static StringComparison PathComparison => FilePlatform.Current.NameComparison;
}
