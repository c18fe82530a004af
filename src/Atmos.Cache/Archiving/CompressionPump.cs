namespace Atmos.Cache.Archiving;

/// <summary>
/// Runs the compressor on its own thread, fed from a <see cref="ChunkPipe"/>, so that walking and
/// reading files overlaps with compression.
/// </summary>
internal sealed class CompressionPump
{
    private readonly Stream _compressor;
    private readonly ChunkPipe _pipe;

    public CompressionPump(Stream compressor, ChunkPipe pipe)
    {
        _compressor = compressor;
        _pipe = pipe;
    }

    /// <summary>Why the compressor stopped early (a full disk, say), or null.</summary>
    public Exception? Error { get; private set; }

    public Task Start() => Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run()
    {
        try
        {
            while (_pipe.TryTake(out var chunk))
            {
                _compressor.Write(chunk.Buffer, 0, chunk.Count);
                _pipe.Return(chunk.Buffer);
            }
        }
        catch (OperationCanceledException)
        {
            // The producer gave up; it has its own error.
        }
        catch (Exception e)
        {
            Error = e;
            // Wake the producer if it waits for a free buffer.
            _pipe.Abort();
        }
    }
}
