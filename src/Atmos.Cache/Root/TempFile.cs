
namespace Atmos.Cache.Root;

/// <summary>
/// A scratch file in the root's state folder (never archived, and on the root's file system so
/// moves stay cheap), deleted on dispose.
/// </summary>
internal sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>
    /// Removes what a crashed restore or save left in the scratch folder. Call only while holding
    /// the root lock: every restore and save works in the scratch folder under that lock, so
    /// anything found there then belongs to no running operation.
    /// </summary>
    public static void SweepStale(string root)
    {
        var folder = Folder(root);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var leftover in Directory.EnumerateFileSystemEntries(folder))
        {
            try
            {
                if (Directory.Exists(leftover) && new DirectoryInfo(leftover).LinkTarget is null)
                {
                    Directory.Delete(leftover, recursive: true);
                }
                else
                {
                    File.Delete(leftover);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover is never archived and is harmless.
            }
        }
    }

    public static TempFile In(string root, string purpose)
    {
        var folder = Folder(root);
        Directory.CreateDirectory(folder);
        return new TempFile(System.IO.Path.Combine(folder, $"{purpose}-{Guid.NewGuid():N}.archive"));
    }

    private static string Folder(string root) => CachePaths.ScratchPath(root);

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: a leftover scratch file is never archived and is harmless.
        }
    }
}
