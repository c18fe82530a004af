namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// A <see cref="ChunkCompressor"/> that compresses each chunk on the thread pool and writes the
/// results in the order the chunks came: at most <c>workers + 1</c> chunks are in flight, which
/// leaves one buffer free for the tar side to fill while the others are compressed or written.
/// </summary>
/// <typeparam name="TCompressed">What compressing one chunk produces.</typeparam>
internal abstract class OrderedChunkCompressor<TCompressed> : ChunkCompressor
{
    private readonly int _maxPending;
    private readonly Queue<Task<TCompressed>> _pending = new();

    protected OrderedChunkCompressor(int chunkSize, int workers)
        : base(chunkSize, workers + 2) => _maxPending = workers + 1;

    public sealed override void Submit(byte[] chunk, int count, CancellationToken cancellationToken)
    {
        _pending.Enqueue(Task.Run(() => Compress(chunk, count), CancellationToken.None));
        while (_pending.Count > 0 && (_pending.Count >= _maxPending || _pending.Peek().IsCompleted))
        {
            WriteOldest();
        }
    }

    /// <summary>Compresses one chunk (on a pool thread); must not touch the output.</summary>
    protected abstract TCompressed Compress(byte[] chunk, int count);

    /// <summary>Writes one compressed chunk to the output and returns its buffers (in chunk order).</summary>
    protected abstract void Write(TCompressed compressed);

    /// <summary>Writes every chunk still in flight, in order.</summary>
    protected void WritePending()
    {
        while (_pending.Count > 0)
        {
            WriteOldest();
        }
    }

    /// <summary>Frees what the compressions use, once none of them is running.</summary>
    protected virtual void ReleaseCompressors()
    {
    }

    public sealed override void Dispose()
    {
        // A failed write leaves chunks in flight: let them end before their buffers go away.
        foreach (var task in _pending)
        {
            try
            {
                task.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // The failure that matters was already thrown to the caller.
            }
        }

        _pending.Clear();
        ReleaseCompressors();
        base.Dispose();
    }

    private void WriteOldest() => Write(_pending.Dequeue().GetAwaiter().GetResult());
}
