using System.Runtime.CompilerServices;
using System.Security.Cryptography;
namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// Runs a decompressor on its own thread and feeds its output into a <see cref="ChunkPipe"/>, so
/// decompression overlaps with writing files. Counts the bytes it produced (for the gzip size check)
/// and, only when asked to (a v1 archive records the tar stream's digest), hashes them.
/// </summary>
internal sealed class DecompressionPump
{
    private readonly Stream _decompressor;
    private readonly ChunkPipe _pipe;
    private readonly IncrementalHash? _digest;

    public DecompressionPump(Stream decompressor, ChunkPipe pipe, bool hashTarStream)
    {
        _decompressor = decompressor;
        _pipe = pipe;
        _digest = hashTarStream ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    }

    /// <summary>SHA-256 of every decompressed byte, or null when not hashed; call once, after the pipe reported its end.</summary>
    public byte[]? FinishDigest()
    {
        using (_digest)
        {
            return _digest?.GetHashAndReset();
        }
    }

    /// <summary>Total decompressed bytes; final once the pipe reported its end.</summary>
    public long BytesProduced { get; private set; }

    public Task Start() => Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run()
    {
        try
        {
            while (true)
            {
                var buffer = _pipe.Rent();
                var filled = 0;
                // Fill whole chunks: fewer hand-offs between the threads.
                while (filled < buffer.Length)
                {
                    var read = _decompressor.Read(buffer, filled, buffer.Length - filled);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                }

                BytesProduced += filled;
                if (filled > 0)
                {
                    // Before publishing: the consumer owns the buffer from then on.
                    _digest?.AppendData(buffer, 0, filled);
                    _pipe.Publish(buffer, filled);
                }

                if (filled < buffer.Length)
                {
                    _pipe.Complete(null);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The consumer gave up; it already has its own error.
            _pipe.Complete(null);
        }
        catch (Exception e)
        {
            _pipe.Complete(e);
        }
    }
}
