using Atmos.Cache.Native;

namespace Atmos.Cache.Platform;

/// <summary>
/// The few file-system calls whose failures depend on the OS, as this machine makes them: creating a
/// symbolic link (Windows refuses without the privilege), opening a file and renaming an entry
/// (Windows refuses while another process holds the file open). Tests replace one with a call that
/// fails the way Windows fails, to run the handling of that failure on any OS.
/// </summary>
internal sealed record FileCalls
{
    public static FileCalls Host { get; } = new();

    /// <summary>Creates a symbolic link at the first path to the second.</summary>
    public Action<string, string> CreateSymbolicLink { get; init; } = static (path, target) => File.CreateSymbolicLink(path, target);

    /// <summary>Opens a file.</summary>
    public Func<string, FileStreamOptions, FileStream> OpenFile { get; init; } = static (path, options) => new FileStream(path, options);

    /// <summary>Renames a file, folder or link (the link itself) within one file system.</summary>
    public Action<string, string, FileKind> Rename { get; init; } = RenameEntry;

    private static void RenameEntry(string source, string destination, FileKind kind)
    {
        if (OperatingSystem.IsWindows())
        {
            // .NET's checks differ by API here: a folder (or a link to one) moves as a folder.
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
