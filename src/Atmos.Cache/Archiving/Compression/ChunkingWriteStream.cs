using System.Runtime.CompilerServices;
namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// The write end that the tar writer sees: collects bytes into whole chunks for a
/// <see cref="ChunkCompressor"/>. Flush does nothing on purpose: SharpZipLib's TarOutputStream
/// flushes after every 10 KB record, and cutting chunks (or compressor blocks) there would make the
/// archive slower to write and bigger. <see cref="Complete"/> ends the stream.
/// </summary>
internal sealed class ChunkingWriteStream(ChunkCompressor compressor, CancellationToken cancellationToken) : Stream
{
    private byte[]? _chunk;
    private int _filled;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            _chunk ??= compressor.RentChunk(cancellationToken);
            var n = Math.Min(buffer.Length, _chunk.Length - _filled);
            buffer[..n].CopyTo(_chunk.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == _chunk.Length)
            {
                SubmitCurrent();
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Hands over the last, partial chunk and lets the compressor finish its stream.</summary>
    public void Complete()
    {
        if (_filled > 0)
        {
            SubmitCurrent();
        }

        compressor.Complete(cancellationToken);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private void SubmitCurrent()
    {
        var chunk = _chunk!;
        var filled = _filled;
        _chunk = null;
        _filled = 0;
        compressor.Submit(chunk, filled, cancellationToken);
    }
}
