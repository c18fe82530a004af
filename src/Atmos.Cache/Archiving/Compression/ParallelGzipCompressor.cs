using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using Atmos.Cache.Archiving.Trailer;

namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// Writes one ordinary gzip member (as pigz does) whose deflate data is produced on several cores:
/// each chunk is deflated on its own by the BCL's zlib-ng and ended with a sync flush (byte aligned,
/// not final); the pieces are written in order, then an empty final block and the gzip trailer,
/// whose CRC-32 is combined from the chunks' own. Any gzip reader (the Atmos CLI, gzip, .NET) reads
/// it as a single member. Each chunk starts with an empty 32 KB window, which costs about 0.1% of size.
/// A chunk that deflate does not shrink (already compressed data) is written as stored blocks, so
/// such data grows by 5 bytes per 64 KiB instead of the few percent of fast deflate's fixed codes.
/// Where each chunk starts is recorded in the trailer (<see cref="GzipChunkIndex"/>), so that a
/// restore can inflate the chunks on every core.
/// </summary>
internal sealed class ParallelGzipCompressor : OrderedChunkCompressor<ParallelGzipCompressor.CompressedChunk>
{
    private const int HeaderLength = 10;
    private const int TrailerLength = 8;
    private const int MaxStoredBlockLength = ushort.MaxValue;
    private const int StoredBlockHeaderLength = 5;
    private static readonly byte[] EmptyFinalBlock = [0x03, 0x00];

    private readonly Stream _output;
    private readonly CompressionLevel _level;
    private readonly ConcurrentBag<MemoryStream> _outputBuffers = [];
    private readonly List<(int Deflated, int Length, uint Crc)> _chunks = [];
    private bool _headerWritten;
    private uint _crc;
    private long _length;

    public ParallelGzipCompressor(Stream output, CompressionLevel level, int chunkSize, int workers)
        : base(chunkSize, workers)
    {
        _output = output;
        _level = level;
    }

    internal readonly record struct CompressedChunk(byte[] Input, MemoryStream Deflated, int End, uint Crc, int Length);

    public override void Complete(CancellationToken cancellationToken)
    {
        WritePending();

        if (!_headerWritten)
        {
            // Nothing was written (the BCL writes no member for empty input): borrow its header.
            _output.Write(HeaderOf(_level));
            _headerWritten = true;
        }

        Span<byte> trailer = stackalloc byte[TrailerLength];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)_length));
        _output.Write(EmptyFinalBlock);
        _output.Write(trailer);
    }

    /// <summary>The chunk index, once <see cref="Complete"/> wrote the member.</summary>
    public override IReadOnlyList<TrailerRecord> TrailerRecords => GzipChunkIndex.Encode(_chunks);

    protected override void Write(CompressedChunk chunk)
    {
        var deflated = chunk.Deflated.GetBuffer();
        if (!_headerWritten)
        {
            _output.Write(deflated, 0, HeaderLength);
            _headerWritten = true;
        }

        _output.Write(deflated, HeaderLength, chunk.End - HeaderLength);
        _chunks.Add((chunk.End - HeaderLength, chunk.Length, chunk.Crc));
        _crc = Crc32Combiner.Combine(_crc, chunk.Crc, chunk.Length);
        _length += chunk.Length;
        _outputBuffers.Add(chunk.Deflated);
        ReturnChunk(chunk.Input);
    }

    private static byte[] HeaderOf(CompressionLevel level)
    {
        using var member = new MemoryStream();
        using (var gzip = new GZipStream(member, level, leaveOpen: true))
        {
            gzip.WriteByte(0);
        }

        return member.GetBuffer()[..HeaderLength];
    }

    protected override CompressedChunk Compress(byte[] input, int count)
    {
        if (!_outputBuffers.TryTake(out var deflated))
        {
            // Fast deflate can grow incompressible input by up to 1/8.
            deflated = new MemoryStream(ChunkSize + (ChunkSize >> 3) + 4096);
        }

        deflated.SetLength(0);
        int end;
        using (var gzip = new GZipStream(deflated, _level, leaveOpen: true))
        {
            gzip.Write(input, 0, count);
            // A sync flush ends the chunk's data on a byte boundary without marking it final.
            gzip.Flush();
            end = (int)deflated.Length;
        }

        // Disposing added the final block and the member's trailer: only its CRC-32 is kept.
        var bytes = deflated.GetBuffer().AsSpan(0, (int)deflated.Length);
        if (bytes.Length < HeaderLength + TrailerLength || !GzipChunkIndex.IsPlainHeader(bytes)
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]) != (uint)count)
        {
            throw new InvalidOperationException("The gzip compressor produced an unexpected member layout.");
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^8..]);
        if (end - HeaderLength > StoredLength(count))
        {
            end = HeaderLength + WriteStored(input.AsSpan(0, count), deflated);
        }

        return new CompressedChunk(input, deflated, end, crc, count);
    }

    private static int StoredLength(int count) =>
        count + (StoredBlockHeaderLength * ((count + MaxStoredBlockLength - 1) / MaxStoredBlockLength));

    /// <summary>
    /// Replaces the chunk's deflate data (after the header) with stored blocks: not final, each
    /// byte-aligned as a sync flush leaves it, so the next chunk follows as before.
    /// </summary>
    private static int WriteStored(ReadOnlySpan<byte> input, MemoryStream deflated)
    {
        var length = StoredLength(input.Length);
        deflated.SetLength(HeaderLength + length);
        var output = deflated.GetBuffer().AsSpan(HeaderLength, length);
        while (!input.IsEmpty)
        {
            var block = Math.Min(input.Length, MaxStoredBlockLength);
            output[0] = 0x00; // BFINAL 0, BTYPE 00 (stored), the rest of the byte is padding
            BinaryPrimitives.WriteUInt16LittleEndian(output[1..], (ushort)block);
            BinaryPrimitives.WriteUInt16LittleEndian(output[3..], unchecked((ushort)~block));
            input[..block].CopyTo(output[StoredBlockHeaderLength..]);
            output = output[(StoredBlockHeaderLength + block)..];
            input = input[block..];
        }

        return length;
    }
}
