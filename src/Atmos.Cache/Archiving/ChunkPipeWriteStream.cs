namespace Atmos.Cache.Archiving;

/// <summary>
/// The producer end of a <see cref="ChunkPipe"/> as a write-only stream. It ignores Flush on
/// purpose: SharpZipLib's TarOutputStream flushes after every 10 KB record, which would make the
/// compressor end a block each time (zstd: 3x slower, 23% bigger). Chunks go out when full.
/// </summary>
internal sealed class ChunkPipeWriteStream(ChunkPipe pipe) : Stream
{
    private byte[]? _current;
    private int _count;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            _current ??= pipe.Rent();
            var n = Math.Min(buffer.Length, _current.Length - _count);
            buffer[..n].CopyTo(_current.AsSpan(_count));
            _count += n;
            buffer = buffer[n..];
            if (_count == _current.Length)
            {
                PublishCurrent();
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Sends the last partial chunk and tells the consumer that the data is complete.</summary>
    public void Complete()
    {
        PublishCurrent();
        pipe.Complete(null);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private void PublishCurrent()
    {
        if (_current is not null && _count > 0)
        {
            pipe.Publish(_current, _count);
            _current = null;
            _count = 0;
        }
    }
}
