using System.Buffers.Binary;
using System.Collections.Concurrent;
using Atmos.Cache.Archiving.Trailer;

namespace Atmos.Cache.Archiving.Compression.Deflate;

/// <summary>
/// Compresses each chunk on the thread pool into a whole gzip member of its own with the machine's
/// libdeflate, and writes the members in order: a multi-member gzip file, which every gzip reader
/// (gzip, GNU tar, Go's compress/gzip the Atmos CLI uses, .NET) reads as one stream. libdeflate
/// compresses a whole buffer at once: at level 1 a .NET folder or a NuGet packages folder comes out
/// 12–16% smaller than zlib-ng's fastest level, for about the same CPU. Incompressible data is
/// written as stored blocks by libdeflate itself. Where each member starts is recorded in the
/// trailer (<see cref="GzipChunkIndex"/>, <see cref="GzipChunkLayout.WholeMembers"/>), so that a
/// restore inflates them on every core.
/// </summary>
internal sealed class LibdeflateGzipCompressor : OrderedChunkCompressor<LibdeflateGzipCompressor.CompressedChunk>
{
    private const int MemberTrailerLength = 8;

    private readonly LibdeflateFunctions _libdeflate;
    private readonly Stream _output;
    private readonly int _level;
    private readonly ConcurrentBag<nint> _compressors = [];
    private readonly ConcurrentBag<byte[]> _outputBuffers = [];
    private readonly List<(int Deflated, int Length, uint Crc)> _chunks = [];

    public LibdeflateGzipCompressor(LibdeflateFunctions libdeflate, Stream output, int level, int chunkSize, int workers)
        : base(chunkSize, workers)
    {
        _libdeflate = libdeflate;
        _output = output;
        _level = level;
    }

    internal readonly record struct CompressedChunk(byte[] Input, byte[] Member, int MemberLength, uint Crc, int Length);

    public override void Complete(CancellationToken cancellationToken)
    {
        WritePending();

        if (_chunks.Count == 0)
        {
            // Nothing was submitted: one empty member, outside the index, keeps the file a gzip file.
            var empty = Compress(RentChunk(cancellationToken), 0);
            _output.Write(empty.Member, 0, empty.MemberLength);
            ReturnChunk(empty.Input);
        }
    }

    /// <summary>The chunk index, once <see cref="Complete"/> wrote the members.</summary>
    public override IReadOnlyList<TrailerRecord> TrailerRecords => GzipChunkIndex.Encode(_chunks, GzipChunkLayout.WholeMembers);

    protected override void ReleaseCompressors()
    {
        while (_compressors.TryTake(out var compressor))
        {
            _libdeflate.FreeCompressor(compressor);
        }
    }

    protected override void Write(CompressedChunk chunk)
    {
        _output.Write(chunk.Member, 0, chunk.MemberLength);
        _chunks.Add((chunk.MemberLength, chunk.Length, chunk.Crc));
        _outputBuffers.Add(chunk.Member);
        ReturnChunk(chunk.Input);
    }

    protected override CompressedChunk Compress(byte[] input, int count)
    {
        var compressor = TakeCompressor();
        try
        {
            var bound = _libdeflate.GzipBound(compressor, ChunkSize);
            if (!_outputBuffers.TryTake(out var member) || member.Length < bound)
            {
                member = new byte[bound];
            }

            var length = _libdeflate.CompressGzipMember(compressor, input.AsSpan(0, count), member);
            var end = member.AsSpan(length - MemberTrailerLength, MemberTrailerLength);
            if (!GzipChunkIndex.IsPlainHeader(member) || BinaryPrimitives.ReadUInt32LittleEndian(end[4..]) != (uint)count)
            {
                throw new InvalidOperationException("libdeflate produced an unexpected gzip member layout.");
            }

            return new CompressedChunk(input, member, length, BinaryPrimitives.ReadUInt32LittleEndian(end), count);
        }
        finally
        {
            _compressors.Add(compressor);
        }
    }

    /// <summary>A compressor no other worker holds: one is made only when every other one is in use.</summary>
    private nint TakeCompressor() =>
        _compressors.TryTake(out var compressor) ? compressor : _libdeflate.AllocateCompressor(_level);
}
