namespace Atmos.Cache.Archiving.Compression.Zstd;

/// <summary>
/// Compresses the tar chunks into one zstd frame with the system libzstd and its worker threads,
/// as <c>zstd -T0</c> does. The tar thread hands each chunk to libzstd, which copies it into its
/// jobs and compresses on the workers; finished output is written to the archive as it comes.
/// </summary>
internal sealed unsafe class SystemZstdCompressor : ChunkCompressor
{
    private const int OutputBufferSize = 1 << 20;

    private readonly ZstdFunctions _zstd;
    private readonly ZstdContextHandle _context;
    private readonly Stream _output;
    private readonly byte[] _outputBuffer = new byte[OutputBufferSize];

    public SystemZstdCompressor(ZstdFunctions zstd, Stream output, int level, int windowLog, int workers, int chunkSize, int chunkCount)
        : base(chunkSize, chunkCount)
    {
        _zstd = zstd;
        _output = output;
        _context = ZstdContextHandle.ForCompression(zstd);
        try
        {
            var context = _context.DangerousGetHandle();
            zstd.SetParameter(context, ZstdFunctions.CompressionLevelParameter, level);
            // Long-distance matching over a wide window, as `zstd --long` does: the same file under
            // several folders (a .NET folder's assemblies, a package's per-framework copies) is stored once.
            zstd.SetParameter(context, ZstdFunctions.WindowLogParameter, windowLog);
            zstd.SetParameter(context, ZstdFunctions.LongDistanceMatchingParameter, 1);
            // A content checksum lets a restore detect corruption, as the zstd CLI does by default.
            zstd.SetParameter(context, ZstdFunctions.ChecksumFlagParameter, 1);
            zstd.SetParameter(context, ZstdFunctions.WorkerCountParameter, workers);
        }
        catch
        {
            _context.Dispose();
            throw;
        }
    }

    public override void Submit(byte[] chunk, int count, CancellationToken cancellationToken)
    {
        try
        {
            fixed (byte* source = chunk)
            {
                var input = new ZstdInBuffer { Source = source, Size = (nuint)count };
                while (input.Position < input.Size)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Step(&input, ZstdFunctions.EndContinue);
                }
            }
        }
        finally
        {
            ReturnChunk(chunk);
        }
    }

    public override void Complete(CancellationToken cancellationToken)
    {
        var input = default(ZstdInBuffer);
        nuint remaining;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            remaining = Step(&input, ZstdFunctions.EndFrame);
        }
        while (remaining != 0);
    }

    /// <summary>One call into libzstd; writes whatever output it produced.</summary>
    private nuint Step(ZstdInBuffer* input, int endDirective)
    {
        nuint remaining;
        int produced;
        fixed (byte* destination = _outputBuffer)
        {
            var output = new ZstdOutBuffer { Destination = destination, Size = (nuint)_outputBuffer.Length };
            remaining = _zstd.CompressStream(_context.DangerousGetHandle(), &output, input, endDirective);
            produced = (int)output.Position;
        }

        if (produced > 0)
        {
            _output.Write(_outputBuffer, 0, produced);
        }

        return remaining;
    }

    public override void Dispose()
    {
        _context.Dispose();
        base.Dispose();
    }
}
