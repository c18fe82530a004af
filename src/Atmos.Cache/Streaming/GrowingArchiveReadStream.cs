using Atmos.Cache.Errors;
using Microsoft.Win32.SafeHandles;

namespace Atmos.Cache.Streaming;

/// <summary>
/// Reads a <see cref="GrowingArchive"/> of a known final length while it is still being written:
/// a read waits (without polling) until the bytes at the position are published, and rethrows the
/// writing's failure. The end is reported only once the writing completed with exactly the expected
/// length, so a reader that saw the end saw the whole, finished archive. Seekable, so the format
/// can be detected at the start and a trailer read at the end (which waits for the end to arrive,
/// unless the archive's tail was fetched ahead: then those bytes are read at once, and checked
/// against the file once all of it arrived).
/// </summary>
internal sealed class GrowingArchiveReadStream : Stream
{
    // Small reads (a gzip decoder asks for a few KiB) are served from one larger file read.
    private const int BufferSize = 256 * 1024;

    private readonly GrowingArchive _archive;
    private readonly long _length;
    private readonly CancellationToken _cancellationToken;
    private readonly SafeFileHandle _file;
    private readonly byte[] _buffer = new byte[BufferSize];
    private long _bufferStart;
    private int _bufferCount;
    private long _position;
    private bool _tailChecked;

    /// <param name="archive">The archive being written; its file must exist already.</param>
    /// <param name="length">The length the archive will have once complete.</param>
    /// <param name="cancellationToken">Ends a read that is waiting for bytes.</param>
    public GrowingArchiveReadStream(GrowingArchive archive, long length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _archive = archive;
        _length = length;
        _cancellationToken = cancellationToken;
        // Shared for writing: the writer keeps its own handle open while this one reads.
        _file = File.OpenHandle(archive.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    /// <summary>Whether the archive's last bytes can be read before the rest arrived (its tail was fetched ahead).</summary>
    public bool EndIsReadable => !_archive.Tail.IsEmpty && _archive.Tail.Length <= _length;

    /// <summary>The length the archive will have once complete.</summary>
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var copied = TryCopyBuffered(buffer);
        if (copied == 0)
        {
            copied = TryCopyTail(buffer);
        }

        if (copied > 0)
        {
            return copied;
        }

        // Called on the extraction's own thread: waiting here blocks only that thread.
        var available = _archive.WaitForAvailableAsync(_position + 1, _cancellationToken).GetAwaiter().GetResult();
        return ReadAvailable(buffer, available);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var copied = TryCopyBuffered(buffer.Span);
        if (copied == 0)
        {
            copied = TryCopyTail(buffer.Span);
        }

        if (copied > 0)
        {
            return copied;
        }

        using var both = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, cancellationToken);
        var available = await _archive.WaitForAvailableAsync(_position + 1, both.Token).ConfigureAwait(false);
        return ReadAvailable(buffer.Span, available);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int TryCopyBuffered(Span<byte> destination)
    {
        var skip = _position - _bufferStart;
        if (skip < 0 || skip >= _bufferCount)
        {
            return 0;
        }

        var count = (int)Math.Min(destination.Length, _bufferCount - skip);
        _buffer.AsSpan((int)skip, count).CopyTo(destination);
        _position += count;
        return count;
    }

    /// <summary>Serves a read inside the tail fetched ahead, without waiting for the download.</summary>
    private int TryCopyTail(Span<byte> destination)
    {
        var tailStart = _length - _archive.Tail.Length;
        if (!EndIsReadable || _position < tailStart || _position >= _length)
        {
            return 0;
        }

        var count = (int)Math.Min(destination.Length, _length - _position);
        _archive.Tail.Span.Slice((int)(_position - tailStart), count).CopyTo(destination);
        _position += count;
        return count;
    }

    /// <summary>Once the whole archive arrived: the tail read ahead must be what the file ends with.</summary>
    private void CheckTail()
    {
        if (_tailChecked || !EndIsReadable)
        {
            return;
        }

        var written = new byte[_archive.Tail.Length];
        ReadFile(written, _length - written.Length);
        if (!_archive.Tail.Span.SequenceEqual(written))
        {
            throw new CacheBackendException("The cache archive's end changed while it was being downloaded.");
        }

        _tailChecked = true;
    }

    /// <summary>Reads what is published at the position; <paramref name="available"/> came from the archive.</summary>
    private int ReadAvailable(Span<byte> destination, long available)
    {
        if (_position >= _length)
        {
            // Only a completed writing gets past the wait for a byte beyond the expected length.
            if (available != _length)
            {
                throw new CacheBackendException($"The cache archive grew to {available} bytes, but storage reported {_length}.");
            }

            CheckTail();
            return 0;
        }

        if (available <= _position)
        {
            throw new CacheBackendException($"The cache archive ended after {available} bytes, but storage reported {_length}.");
        }

        var readable = Math.Min(available, _length) - _position;
        if (destination.Length >= BufferSize)
        {
            var direct = ReadFile(destination[..(int)Math.Min(destination.Length, readable)], _position);
            _position += direct;
            return direct;
        }

        _bufferStart = _position;
        _bufferCount = ReadFile(_buffer.AsSpan(0, (int)Math.Min(BufferSize, readable)), _position);
        return TryCopyBuffered(destination);
    }

    private int ReadFile(Span<byte> destination, long offset)
    {
        // The file is pre-sized and the bytes are published, so the whole span is there.
        var total = 0;
        while (total < destination.Length)
        {
            var n = RandomAccess.Read(_file, destination[total..], offset + total);
            if (n == 0)
            {
                throw new CacheBackendException($"The downloaded cache archive is shorter than the {offset + destination.Length} bytes already published.");
            }

            total += n;
        }

        return total;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
