using System.Collections.Concurrent;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Root;

namespace Atmos.Cache.Archiving.Writing;

/// <summary>
/// Runs the tree walk (<see cref="TreeArchiver"/>, with its per-file system calls and small-file
/// reads) on its own thread, a bounded queue ahead of the tar writer on the calling thread. The
/// queue bounds memory: at most <see cref="QueueCapacity"/> entries of up to
/// <see cref="TreeArchiver.ReadAheadLimit"/> bytes each wait at any time. Either side's failure stops the other.
/// </summary>
internal static class ReadAheadArchiver
{
    private const int QueueCapacity = 4;
    private const int BatchEntries = 256;
    private const long BatchBytes = 1 << 20;

    public static (long Entries, long ContentBytes, long Files) Write(
        string root, IncludePaths includes, ICacheLogger logger, TarJobWriter writer, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<List<TarJob>>(QueueCapacity);
        // Written batches come back for reuse: a tree of large files hands over one entry at a time.
        var spareBatches = new ConcurrentQueue<List<TarJob>>();
        var batch = new List<TarJob>(BatchEntries);
        long batchBytes = 0;
        var archiver = new TreeArchiver(root, includes, logger, Collect, stop.Token);
        var walking = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    archiver.WriteRoot();
                    Hand();
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
            foreach (var jobs in queue.GetConsumingEnumerable(stop.Token))
            {
                foreach (var job in jobs)
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

                jobs.Clear();
                spareBatches.Enqueue(jobs);
            }
        }
        catch
        {
            stop.Cancel();
            WaitQuietly(walking);
            foreach (var job in queue.SelectMany(jobs => jobs).Concat(batch))
            {
                job.Release();
            }

            throw;
        }

        // A walker that failed may leave a batch it never handed over.
        WaitQuietly(walking);
        foreach (var job in batch)
        {
            job.Release();
        }

        // Rethrows the walker's failure (a file that shrank, a cancellation, an I/O error).
        walking.GetAwaiter().GetResult();
        return (archiver.Entries, archiver.ContentBytes, archiver.Files);

        // Walker side: collects jobs and hands over full batches.
        void Collect(TarJob job)
        {
            batch.Add(job);
            batchBytes += job.ContentLength;
            if (batch.Count >= BatchEntries || batchBytes >= BatchBytes || job.File is not null)
            {
                Hand();
            }
        }

        void Hand()
        {
            if (batch.Count == 0)
            {
                return;
            }

            queue.Add(batch, stop.Token);
            batch = spareBatches.TryDequeue(out var spare) ? spare : new List<TarJob>(BatchEntries);
            batchBytes = 0;
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
