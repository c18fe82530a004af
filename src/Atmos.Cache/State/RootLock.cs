using Atmos.Cache.Archiving;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.State;

/// <summary>
/// An exclusive, cross-process lock on a cache root (<c>.atmos-cache/lock</c>). Held for a whole
/// restore or save, so a second process waits and then sees the first one's result in the state
/// marker instead of building on a half-restored root. The OS releases it if the holder dies.
/// </summary>
public sealed class RootLock : IDisposable
{
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(250);

    private readonly FileStream _stream;

    private RootLock(FileStream stream) => _stream = stream;

    /// <summary>Waits until the lock is free and takes it.</summary>
    public static async Task<RootLock> AcquireAsync(string root, ICacheLogger logger, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(root, CachePaths.StateFolder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "lock");
        var interval = TimeSpan.FromMilliseconds(10);
        var announced = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryOpen(path) is { } stream)
            {
                return new RootLock(stream);
            }

            if (!announced)
            {
                logger.Log(CacheLogLevel.Info, $"Waiting for another process that is restoring or saving the cache root {root}.");
                announced = true;
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
            // FileShare.None takes an exclusive advisory lock (flock on Unix, a share lock on Windows).
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
