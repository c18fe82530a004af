using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// A bounded hand-off of byte chunks between two threads (a decompressor and the tar reader), so
/// that both run at once. A fixed set of buffers bounds memory; a failure on either side wakes the other.
/// </summary>
internal sealed class ChunkPipe : IDisposable
{
    private readonly BlockingCollection<byte[]> _free;
    private readonly BlockingCollection<Chunk> _filled;
    private readonly CancellationTokenSource _aborted = new();
    private ExceptionDispatchInfo? _producerError;

    public ChunkPipe(int chunkSize, int chunkCount)
    {
        _free = new BlockingCollection<byte[]>(chunkCount);
        _filled = new BlockingCollection<Chunk>(chunkCount);
        for (var i = 0; i < chunkCount; i++)
        {
            _free.Add(new byte[chunkSize]);
        }
    }

    public readonly record struct Chunk(byte[] Buffer, int Count);

    /// <summary>Producer: a buffer to fill. Throws OperationCanceledException once the consumer gave up.</summary>
    public byte[] Rent() => _free.Take(_aborted.Token);

    /// <summary>Producer: hands a filled buffer to the consumer.</summary>
    public void Publish(byte[] buffer, int count) => _filled.Add(new Chunk(buffer, count), _aborted.Token);

    /// <summary>Producer: no more chunks; <paramref name="error"/> is rethrown to the consumer after the chunks before it.</summary>
    public void Complete(Exception? error)
    {
        if (error is not null)
        {
            _producerError = ExceptionDispatchInfo.Capture(error);
        }

        _filled.CompleteAdding();
    }

    /// <summary>Consumer: the next chunk, or false at the end. Rethrows the producer's failure.</summary>
    public bool TryTake(out Chunk chunk)
    {
        if (_filled.TryTake(out chunk, Timeout.Infinite, _aborted.Token))
        {
            return true;
        }

        _producerError?.Throw();
        return false;
    }

    /// <summary>Consumer: gives a drained buffer back to the producer.</summary>
    public void Return(byte[] buffer) => _free.Add(buffer, _aborted.Token);

    /// <summary>Either side: stop, waking a blocked partner.</summary>
    public void Abort() => _aborted.Cancel();

    public void Dispose()
    {
        _aborted.Dispose();
        _free.Dispose();
        _filled.Dispose();
    }
}
