using System.Collections.Concurrent;
using Atmos.Cache.Archiving.Trailer;

namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// Takes the tar stream as fixed-size chunks and compresses them into the archive file. A bounded
/// set of chunk buffers caps memory (chunk size × buffer count, whatever the archive's size) and
/// makes the tar side wait when compression falls behind.
/// </summary>
internal abstract class ChunkCompressor : IDisposable
{
    private readonly BlockingCollection<byte[]> _free;

    protected ChunkCompressor(int chunkSize, int chunkCount)
    {
        ChunkSize = chunkSize;
        _free = new BlockingCollection<byte[]>(chunkCount);
        for (var i = 0; i < chunkCount; i++)
        {
            _free.Add(new byte[chunkSize]);
        }
    }

    public int ChunkSize { get; }

    /// <summary>An empty chunk buffer; blocks until compression has released one.</summary>
    public byte[] RentChunk(CancellationToken cancellationToken) => _free.Take(cancellationToken);

    /// <summary>Hands over a filled chunk (the compressor returns the buffer when it is done with it).</summary>
    public abstract void Submit(byte[] chunk, int count, CancellationToken cancellationToken);

    /// <summary>Compresses what is left and writes the end of the compressed stream.</summary>
    public abstract void Complete(CancellationToken cancellationToken);

    /// <summary>
    /// Records the compressor adds to the archive's trailer (for example where its chunks start),
    /// read after <see cref="Complete"/>; none by default.
    /// </summary>
    public virtual IReadOnlyList<TrailerRecord> TrailerRecords => [];

    protected void ReturnChunk(byte[] chunk) => _free.Add(chunk);

    public virtual void Dispose() => _free.Dispose();
}
