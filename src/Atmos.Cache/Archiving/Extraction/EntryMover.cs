using Atmos.Cache.Native;
namespace Atmos.Cache.Archiving.Extraction;

/// <summary>Renames a file, folder or link (the link itself, never its target) within one file system.</summary>
internal static class EntryMover
{
    public static void Move(string source, string destination, FileKind kind)
    {
        if (OperatingSystem.IsWindows())
        {
            if (kind == FileKind.Folder || Directory.Exists(source) && kind == FileKind.Symlink)
            {
                Directory.Move(source, destination);
            }
            else
            {
                File.Move(source, destination);
            }

            return;
        }

        // On Unix Directory.Move is a plain rename(2) for every kind of entry, including links to
        // folders and dangling links (which File.Move refuses), and it never replaces an existing path.
        Directory.Move(source, destination);
    }
}
