using System.Runtime.InteropServices;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Backends.Local;

/// <summary>
/// Puts a copy of an immutable file at a new path: a hard link when both are on one file system
/// (no bytes move, which makes local saves and restores nearly free), else a buffered copy.
/// Callers must never write to either file afterwards: a link shares the stored entry's bytes.
/// </summary>
internal static partial class FileCloner
{
    private const int BufferSize = 1 << 20;

    public static async Task CloneAsync(string source, string destination, CancellationToken cancellationToken)
    {
        if (File.Exists(destination))
        {
            File.Delete(destination);
        }

        if (TryHardLink(source, destination))
        {
            return;
        }

        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        output.SetLength(input.Length);
        await input.CopyToAsync(output, BufferSize, cancellationToken).ConfigureAwait(false);
    }

    private static bool TryHardLink(string source, string destination)
    {
        if (!FilePlatform.Current.HardLinks || OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return Link(source, destination) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);
}
