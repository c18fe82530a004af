namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// Feeds chunks to an ordinary compressing stream (zstd, whose own worker threads compress in
/// parallel), in large writes on the tar writer's thread.
/// </summary>
internal sealed class StreamChunkCompressor(Stream compressor, int chunkSize, int chunkCount) : ChunkCompressor(chunkSize, chunkCount)
{
    public override void Submit(byte[] chunk, int count, CancellationToken cancellationToken)
    {
        try
        {
            compressor.Write(chunk, 0, count);
        }
        finally
        {
            ReturnChunk(chunk);
        }
    }

    /// <summary>Disposing the compressor writes the end of its frame.</summary>
    public override void Complete(CancellationToken cancellationToken) => compressor.Dispose();

    public override void Dispose()
    {
        compressor.Dispose();
        base.Dispose();
    }
}
