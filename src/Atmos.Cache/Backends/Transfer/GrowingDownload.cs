using Atmos.Cache.Streaming;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Backends.Transfer;

/// <summary>
/// A ranged download into a pre-sized file that an extraction follows, shared by the backends: the
/// contiguous prefix of whole ranges is published as they land, a failure fails the archive, and the
/// end is published only after the file is released (a reader that saw the end saw a finished download).
/// </summary>
internal static class GrowingDownload
{
    /// <summary>
    /// Creates the file at <paramref name="destinationPath"/> and returns with <paramref name="downloadRanges"/>
    /// running into it. <paramref name="tail"/>, when given, is the archive's end fetched ahead.
    /// </summary>
    public static (GrowingArchive Archive, Task Download) Start(
        string destinationPath,
        long size,
        byte[]? tail,
        Func<SafeFileHandle, ContiguousPrefixTracker, CancellationToken, Task> downloadRanges,
        CancellationToken cancellationToken)
    {
        // Readable by others while written: the extraction reads the prefix as it grows.
        var file = RangeFile.CreatePresized(destinationPath, size, FileShare.Read | FileShare.Delete);
        var archive = new GrowingArchive(destinationPath);
        if (tail is not null)
        {
            archive.PublishTail(tail);
        }

        var download = Task.Run(async () =>
        {
            try
            {
                using (file)
                {
                    await downloadRanges(file, new ContiguousPrefixTracker(archive), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                archive.Fail(e);
                throw;
            }

            archive.Complete(size);
        }, CancellationToken.None);
        return (archive, download);
    }
}
