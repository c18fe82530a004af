namespace Atmos.Cache.Build.Lifecycle;

/// <summary>
/// An exclusive, cross-process lock held by keeping a file open with <see cref="FileShare.None"/>.
/// The OS drops it when the holder dies, so a crashed build never wedges the next one.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static async Task<FileLock> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var interval = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException)
            {
                // Held by another project build; .NET has no blocking wait on a file lock, so poll.
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxPollInterval.Ticks));
        }
    }

    public void Dispose() => _stream.Dispose();
}
