using System.Runtime.CompilerServices;
namespace Atmos.Cache.Archiving.Compression;

/// <summary>The consumer end of a <see cref="ChunkPipe"/> as a read-only stream.</summary>
internal sealed class ChunkPipeReadStream(ChunkPipe pipe) : Stream
{
    private byte[]? _current;
    private int _offset;
    private int _count;
    private bool _ended;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (_current is null || _offset == _count)
        {
            if (_current is not null)
            {
                pipe.Return(_current);
                _current = null;
            }

            if (_ended || !pipe.TryTake(out var chunk))
            {
                _ended = true;
                return 0;
            }

            (_current, _offset, _count) = (chunk.Buffer, 0, chunk.Count);
        }

        var n = Math.Min(buffer.Length, _count - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
