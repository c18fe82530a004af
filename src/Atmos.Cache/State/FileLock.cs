namespace Atmos.Cache.State;

/// <summary>
/// An exclusive, cross-process lock held by keeping a file open with <see cref="FileShare.None"/>
/// (flock on Unix, a share lock on Windows). The OS drops it when the holder dies, so a crashed
/// build never wedges the next one.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan FirstPollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <summary>
    /// Waits until the lock file at <paramref name="path"/> is free and takes it.
    /// <paramref name="onWaiting"/> is called once if the lock is held by someone else.
    /// </summary>
    public static async Task<FileLock> AcquireAsync(string path, Action? onWaiting, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var interval = FirstPollInterval;
        var waiting = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryOpen(path) is { } stream)
            {
                return new FileLock(stream);
            }

            if (!waiting)
            {
                waiting = true;
                onWaiting?.Invoke();
            }

            // .NET has no blocking wait on a file lock; poll with a growing interval.
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxPollInterval.Ticks));
        }
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
