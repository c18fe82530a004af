using Atmos.Cache.Native;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Gives extracted folders their archived mode and modification time. Runs after the merge,
/// deepest first, because writing into a folder changes its time (and a read-only mode would
/// stop the writes).
/// </summary>
internal static class FolderMetadata
{
    public static void Apply(string root, IEnumerable<(string Path, int Mode, DateTime ModifiedUtc)> deepestFirst)
    {
        var platform = FilePlatform.Current;
        foreach (var (relative, mode, modified) in deepestFirst)
        {
            var path = Path.Combine(root, relative);
            if (NativeFileType.Probe(path) != FileKind.Folder)
            {
                continue;
            }

            if (platform.UnixModes && mode != 0)
            {
                File.SetUnixFileMode(path, (UnixFileMode)mode);
            }

            Directory.SetLastWriteTimeUtc(path, modified);
        }
    }
}
