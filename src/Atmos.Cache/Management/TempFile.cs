using Atmos.Cache.Archiving;

namespace Atmos.Cache.Management;

/// <summary>
/// A scratch file in the root's state folder (never archived, and on the root's file system so
/// moves stay cheap), deleted on dispose.
/// </summary>
internal sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    public static TempFile In(string root, string purpose)
    {
        var folder = System.IO.Path.Combine(root, CachePaths.StateFolder, "tmp");
        Directory.CreateDirectory(folder);
        return new TempFile(System.IO.Path.Combine(folder, $"{purpose}-{Guid.NewGuid():N}.archive"));
    }

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
