using Atmos.Cache.Native;
namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Gives extracted folders their archived mode and modification time. Runs after the merge,
/// deepest first, because writing into a folder changes its time (and a read-only mode would
/// stop the writes).
/// </summary>
internal static class FolderMetadata
{
    public static void Apply(string root, Dictionary<string, (int Mode, DateTime ModifiedUtc)> folders)
    {
        foreach (var (relative, (mode, modified)) in folders.OrderByDescending(static f => f.Key.Count(c => c == '/')))
        {
            var path = Path.Combine(root, relative);
            if (NativeFileType.Probe(path) != FileKind.Folder)
            {
                continue;
            }

            if (!OperatingSystem.IsWindows() && mode != 0)
            {
                File.SetUnixFileMode(path, (UnixFileMode)mode);
            }

            Directory.SetLastWriteTimeUtc(path, modified);
        }
    }
}
