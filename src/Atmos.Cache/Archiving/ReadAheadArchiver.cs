using System.Collections.Concurrent;
using Atmos.Cache.Diagnostics;

namespace Atmos.Cache.Archiving;

/// <summary>
/// Runs the tree walk (<see cref="TreeArchiver"/>, with its per-file system calls and small-file
/// reads) on its own thread, a bounded queue ahead of the tar writer on the calling thread. The
/// queue bounds memory: at most <see cref="QueueCapacity"/> entries of up to
/// <see cref="TreeArchiver.ReadAheadLimit"/> bytes each wait at any time. Either side's failure stops the other.
/// </summary>
internal static class ReadAheadArchiver
{
    private const int QueueCapacity = 64;

    public static (long Entries, long ContentBytes) Write(
        string root, IncludePaths includes, ICacheLogger logger, TarJobWriter writer, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<TarJob>(QueueCapacity);
        var archiver = new TreeArchiver(root, includes, logger, job => Enqueue(queue, job, stop.Token), stop.Token);
        var walking = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    archiver.WriteRoot();
                }
                finally
                {
                    queue.CompleteAdding();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        try
        {
            foreach (var job in queue.GetConsumingEnumerable(stop.Token))
            {
                try
                {
                    writer.Write(job);
                }
                finally
                {
                    job.Release();
                }
            }
        }
        catch
        {
            stop.Cancel();
            WaitQuietly(walking);
            foreach (var job in queue)
            {
                job.Release();
            }

            throw;
        }

        // Rethrows the walker's failure (a file that shrank, a cancellation, an I/O error).
        walking.GetAwaiter().GetResult();
        return (archiver.Entries, archiver.ContentBytes);
    }

    private static void Enqueue(BlockingCollection<TarJob> queue, TarJob job, CancellationToken stop)
    {
        try
        {
            queue.Add(job, stop);
        }
        catch
        {
            job.Release();
            throw;
        }
    }

    private static void WaitQuietly(Task walking)
    {
        try
        {
            walking.Wait(CancellationToken.None);
        }
        catch (AggregateException)
        {
            // The writer's own failure is the one reported.
        }
    }
}
