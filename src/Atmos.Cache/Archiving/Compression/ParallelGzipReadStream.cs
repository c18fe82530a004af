using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using Atmos.Cache.Archiving.Compression.Deflate;

namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// Decompresses indexed gzip data (see <see cref="GzipChunkIndex"/>) on several cores and reads out
/// the chunks in order. The chunks' stored bytes are read from the archive in order on the reading
/// thread; each chunk is inflated on the thread pool as a gzip member of its own (a whole-member
/// chunk as it is, a deflate piece between a plain header and its own CRC-32 and size from the
/// index), so zlib checks every
/// chunk's CRC-32 (libdeflate, when the machine has it, or the BCL's zlib-ng); the index matched the member's CRC-32 and size before. Memory is bounded and
/// allocated once: at most <c>workers</c> chunks are inflated ahead of the one being read, each with
/// one input and one output buffer, reused.
/// </summary>
internal sealed class ParallelGzipReadStream : Stream
{
    private static ReadOnlySpan<byte> ChunkHeader => [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff];
    private static ReadOnlySpan<byte> EmptyFinalBlock => [0x03, 0x00];

    private readonly Stream _archive;
    private readonly IReadOnlyList<GzipChunk> _chunks;
    private readonly bool _wholeMembers;
    private readonly int _workers;
    private readonly LibdeflateFunctions? _libdeflate;
    private readonly Queue<Task<(byte[] Output, byte[] Member)>> _pending = new();
    private readonly Stack<byte[]> _freeOutputs = new();
    private readonly Stack<byte[]> _freeMembers = new();
    private readonly int _outputLength;
    private readonly int _memberLength;
    private int _nextChunk;
    private int _currentChunk = -1;
    private byte[]? _current;
    private int _offset;
    private bool _positioned;

    /// <param name="archive">The archive, seekable; read from the first chunk on.</param>
    /// <param name="index">Where the chunks start, matched against the member already.</param>
    /// <param name="workers">How many chunks are inflated at once.</param>
    /// <param name="libdeflate">Inflates each chunk when given (the machine's libdeflate); else the BCL's zlib-ng does.</param>
    public ParallelGzipReadStream(Stream archive, GzipChunkIndex index, int workers, LibdeflateFunctions? libdeflate)
    {
        _libdeflate = libdeflate;
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _archive = archive;
        _chunks = index.Chunks;
        _wholeMembers = index.Layout == GzipChunkLayout.WholeMembers;
        _workers = workers;
        _outputLength = index.MaxLength;
        _memberLength = ChunkHeader.Length + index.MaxStoredLength + EmptyFinalBlock.Length + 8;
    }

    /// <summary>How many chunks the member holds.</summary>
    public int ChunkCount => _chunks.Count;

    /// <summary>How many chunks are inflated at once.</summary>
    public int Workers => _workers;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_current is null || _offset == _chunks[_currentChunk].Length)
        {
            if (_current is not null)
            {
                _freeOutputs.Push(_current);
                _current = null;
            }

            StartInflating();
            if (_pending.Count == 0)
            {
                return 0;
            }

            (_current, var member) = _pending.Dequeue().GetAwaiter().GetResult();
            _freeMembers.Push(member);
            _currentChunk++;
            _offset = 0;
            StartInflating();
        }

        var n = Math.Min(buffer.Length, _chunks[_currentChunk].Length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    /// <summary>Reads the next chunks' deflate data and hands them to the pool, up to <c>workers</c> in flight.</summary>
    private void StartInflating()
    {
        if (!_positioned && _chunks.Count > 0)
        {
            _archive.Position = _chunks[0].Offset;
            _positioned = true;
        }

        while (_pending.Count < _workers && _nextChunk < _chunks.Count)
        {
            var chunk = _chunks[_nextChunk++];
            var member = _freeMembers.TryPop(out var freeMember) ? freeMember : new byte[_memberLength];
            var memberLength = _wholeMembers ? ReadMember(chunk, member) : ReadPiece(chunk, member);

            var output = _freeOutputs.TryPop(out var free) ? free : new byte[_outputLength];
            var libdeflate = _libdeflate;
            _pending.Enqueue(Task.Run(() => Inflate(libdeflate, member, memberLength, output, chunk.Length)));
        }
    }

    /// <summary>A whole-member chunk as stored; its end must hold the CRC-32 and size the index records.</summary>
    private int ReadMember(GzipChunk chunk, byte[] member)
    {
        _archive.ReadExactly(member, 0, chunk.StoredLength);
        var end = member.AsSpan(chunk.StoredLength - 8, 8);
        if (!GzipChunkIndex.IsPlainHeader(member) || chunk.StoredLength < ChunkHeader.Length + 8
            || BinaryPrimitives.ReadUInt32LittleEndian(end) != chunk.Crc || BinaryPrimitives.ReadUInt32LittleEndian(end[4..]) != (uint)chunk.Length)
        {
            throw new InvalidDataException("a gzip chunk does not match its index record");
        }

        return chunk.StoredLength;
    }

    /// <summary>A deflate piece, made a member of its own: a plain header, the piece, an empty final block, its CRC-32 and size.</summary>
    private int ReadPiece(GzipChunk chunk, byte[] member)
    {
        ChunkHeader.CopyTo(member);
        _archive.ReadExactly(member, ChunkHeader.Length, chunk.StoredLength);
        var end = member.AsSpan(ChunkHeader.Length + chunk.StoredLength);
        EmptyFinalBlock.CopyTo(end);
        BinaryPrimitives.WriteUInt32LittleEndian(end[2..], chunk.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(end[6..], (uint)chunk.Length);
        return ChunkHeader.Length + chunk.StoredLength + EmptyFinalBlock.Length + 8;
    }

    private static (byte[] Output, byte[] Member) Inflate(LibdeflateFunctions? libdeflate, byte[] member, int memberLength, byte[] output, int length)
    {
        // A whole member into a buffer of known size: libdeflate's case, with less CPU than zlib-ng's streaming inflate.
        if (libdeflate is not null)
        {
            libdeflate.InflateGzipMember(member.AsSpan(0, memberLength), output.AsSpan(0, length));
            return (output, member);
        }

        using (var gzip = new GZipStream(new MemoryStream(member, 0, memberLength, writable: false), CompressionMode.Decompress))
        {
            var filled = 0;
            while (filled < length)
            {
                var read = gzip.Read(output, filled, length - filled);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            // One more read reaches the chunk's end, where zlib checks its CRC-32 and size.
            Span<byte> beyond = stackalloc byte[1];
            if (filled != length || gzip.Read(beyond) != 0)
            {
                throw new InvalidDataException("a gzip chunk does not inflate to the length its index records");
            }
        }

        return (output, member);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // A failed or abandoned read leaves chunks in flight: let them end before the stream goes.
            foreach (var task in _pending)
            {
                try
                {
                    task.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                    // The failure that matters was already thrown to the reader.
                }
            }

            _pending.Clear();
        }

        base.Dispose(disposing);
    }
}
