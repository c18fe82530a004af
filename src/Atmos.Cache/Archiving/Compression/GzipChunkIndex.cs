using System.Buffers.Binary;
using Atmos.Cache.Archiving.Trailer;

namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// Where the independently inflatable chunks of an archive's gzip data start, carried in the
/// archive trailer as <see cref="TrailerTag.ChunkIndex"/> records. Each record is a format byte
/// (the <see cref="GzipChunkLayout"/>) and, per chunk in order, its stored length and uncompressed
/// length (unsigned LEB128) and its CRC-32 (4 bytes, little-endian); a long index spreads over
/// several records. <see cref="GzipChunkLayout.DeflatePieces"/> (a <see cref="ParallelGzipCompressor"/>
/// member): the first chunk starts right after the member's 10-byte header, each next one where the
/// one before ends; after the last come the empty final block and the member's CRC-32 and size.
/// <see cref="GzipChunkLayout.WholeMembers"/> (a <see cref="Deflate.LibdeflateGzipCompressor"/> archive):
/// each chunk is a whole gzip member, the first at offset 0.
/// </summary>
internal sealed class GzipChunkIndex
{
    public const int HeaderLength = 10;
    private const int MemberTrailerLength = 8; // CRC-32, size
    private const int MaxEntryLength = 5 + 5 + 4;
    private const int MemberEndLength = 2 + 8; // empty final block, CRC-32, size

    private GzipChunkIndex(GzipChunkLayout layout, IReadOnlyList<GzipChunk> chunks)
    {
        Layout = layout;
        Chunks = chunks;
    }

    /// <summary>What a chunk's stored bytes are: deflate data inside one member, or a member of its own.</summary>
    public GzipChunkLayout Layout { get; }

    /// <summary>The chunks in order, with their offsets in the archive.</summary>
    public IReadOnlyList<GzipChunk> Chunks { get; }

    /// <summary>The longest uncompressed chunk.</summary>
    public int MaxLength => Chunks.Count == 0 ? 0 : Chunks.Max(c => c.Length);

    /// <summary>The longest chunk's stored bytes.</summary>
    public int MaxStoredLength => Chunks.Count == 0 ? 0 : Chunks.Max(c => c.StoredLength);

    /// <summary>The records holding <paramref name="chunks"/> (stored length, uncompressed length, CRC-32 each).</summary>
    public static IReadOnlyList<TrailerRecord> Encode(IReadOnlyList<(int Deflated, int Length, uint Crc)> chunks, GzipChunkLayout layout = GzipChunkLayout.DeflatePieces)
    {
        var format = (byte)layout;
        var records = new List<TrailerRecord>();
        var payload = new byte[TrailerRecord.MaxPayloadLength];
        var at = 0;
        foreach (var chunk in chunks)
        {
            if (at == 0)
            {
                payload[at++] = format;
            }

            at = WriteVarint(payload, at, (uint)chunk.Deflated);
            at = WriteVarint(payload, at, (uint)chunk.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(at), chunk.Crc);
            at += 4;
            if (at + MaxEntryLength > payload.Length)
            {
                records.Add(new TrailerRecord(TrailerTag.ChunkIndex, payload.AsSpan(0, at).ToArray()));
                at = 0;
            }
        }

        if (at > 0)
        {
            records.Add(new TrailerRecord(TrailerTag.ChunkIndex, payload.AsSpan(0, at).ToArray()));
        }

        return records;
    }

    /// <summary>
    /// The index of the archive's gzip data, or null when the trailer has none, or one that does not
    /// parse or does not match the data exactly (its length, first header, and the CRC-32 and size at
    /// its end): such an archive is then read serially, where the gzip checks decide. Each whole-member
    /// chunk's own CRC-32 and size are checked again when it is inflated.
    /// </summary>
    public static GzipChunkIndex? TryRead(Stream archive, ArchiveTrailer? trailer, int maxChunkLength)
    {
        if (trailer is null || trailer.DataLength < HeaderLength + MemberEndLength
            || Parse(trailer, maxChunkLength) is not var (layout, chunks, crc, total) || chunks.Count == 0)
        {
            return null;
        }

        var end = chunks[^1].Offset + chunks[^1].StoredLength;
        var matches = layout == GzipChunkLayout.DeflatePieces
            ? end + MemberEndLength == trailer.DataLength && MatchesMember(archive, trailer.DataLength, crc, total)
            : end == trailer.DataLength && MatchesMembers(archive, trailer.DataLength, chunks[^1]);
        return matches ? new GzipChunkIndex(layout, chunks) : null;
    }

    /// <summary>
    /// For an archive of whole-member chunks, from its index alone: what all chunks inflate to, and
    /// the last one (whose size field ends the gzip data); null for any other archive.
    /// </summary>
    public static (long Total, int Last)? WholeMemberSizes(ArchiveTrailer? trailer) =>
        trailer is not null && Parse(trailer, int.MaxValue / 4) is ({ } layout, { Count: > 0 } chunks, _, var total)
            && layout == GzipChunkLayout.WholeMembers
            ? (total, chunks[^1].Length)
            : null;

    /// <summary>The index records' chunks, their combined CRC-32 and size; null when there are none or they do not parse.</summary>
    private static (GzipChunkLayout Layout, List<GzipChunk> Chunks, uint Crc, long Total)? Parse(ArchiveTrailer trailer, int maxChunkLength)
    {
        var records = trailer.FindAll(TrailerTag.ChunkIndex).ToList();
        var first = records.Count == 0 ? default : records[0].Payload.Span;
        var layout = first.IsEmpty ? default : (GzipChunkLayout)first[0];
        if (layout is not (GzipChunkLayout.DeflatePieces or GzipChunkLayout.WholeMembers))
        {
            return null;
        }

        var chunks = new List<GzipChunk>();
        long offset = layout == GzipChunkLayout.DeflatePieces ? HeaderLength : 0;
        long total = 0;
        uint crc = 0;
        foreach (var record in records)
        {
            var span = record.Payload.Span;
            if (span.Length == 0 || span[0] != (byte)layout)
            {
                return null;
            }

            var at = 1;
            while (at < span.Length)
            {
                if (!TryReadVarint(span, ref at, out var stored) || !TryReadVarint(span, ref at, out var length) || span.Length - at < 4
                    || stored == 0 || stored > 2L * maxChunkLength + 65536 || length == 0 || length > maxChunkLength)
                {
                    return null;
                }

                var chunkCrc = BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
                at += 4;
                chunks.Add(new GzipChunk(offset, (int)stored, (int)length, chunkCrc));
                offset += stored;
                total += length;
                crc = Crc32Combiner.Combine(crc, chunkCrc, length);
            }
        }

        return (layout, chunks, crc, total);
    }

    /// <summary>A plain member header at the start, and the last chunk's CRC-32 and size at the end.</summary>
    private static bool MatchesMembers(Stream archive, long dataLength, GzipChunk last)
    {
        Span<byte> end = stackalloc byte[MemberTrailerLength];
        return StartsPlainAndEndsWith(archive, dataLength, end)
            && BinaryPrimitives.ReadUInt32LittleEndian(end) == last.Crc
            && BinaryPrimitives.ReadUInt32LittleEndian(end[4..]) == (uint)last.Length;
    }

    /// <summary>The gzip magic, deflate, and no optional fields: what every writer here produces.</summary>
    public static bool IsPlainHeader(ReadOnlySpan<byte> header) =>
        header.Length >= HeaderLength && header[0] == 0x1f && header[1] == 0x8b && header[2] == 8 && header[3] == 0;

    /// <summary>A plain member header (deflate, no optional fields) and an end that holds the chunks' combined CRC-32 and size.</summary>
    private static bool MatchesMember(Stream archive, long dataLength, uint crc, long total)
    {
        Span<byte> end = stackalloc byte[MemberEndLength];
        return StartsPlainAndEndsWith(archive, dataLength, end)
            && end[0] == 0x03 && end[1] == 0x00
            && BinaryPrimitives.ReadUInt32LittleEndian(end[2..]) == crc
            && BinaryPrimitives.ReadUInt32LittleEndian(end[6..]) == unchecked((uint)total);
    }

    /// <summary>Whether the data starts with a plain member header; fills <paramref name="end"/> with its last bytes.</summary>
    private static bool StartsPlainAndEndsWith(Stream archive, long dataLength, Span<byte> end)
    {
        var position = archive.Position;
        try
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            archive.Position = 0;
            archive.ReadExactly(header);
            archive.Position = dataLength - end.Length;
            archive.ReadExactly(end);
            return IsPlainHeader(header);
        }
        finally
        {
            archive.Position = position;
        }
    }

    private static int WriteVarint(byte[] bytes, int at, uint value)
    {
        while (value >= 0x80)
        {
            bytes[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        bytes[at++] = (byte)value;
        return at;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> span, ref int at, out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 35 && at < span.Length; shift += 7)
        {
            var b = span[at++];
            value |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return shift < 28 || b < 0x10;
            }
        }

        return false;
    }
}

/// <summary>One chunk of the gzip data: its stored bytes at <paramref name="Offset"/> in the archive, and what it inflates to.</summary>
internal readonly record struct GzipChunk(long Offset, int StoredLength, int Length, uint Crc);

/// <summary>What an indexed gzip chunk's stored bytes are; the value is the index records' format byte.</summary>
internal enum GzipChunkLayout : byte
{
    /// <summary>Deflate data ended by a sync flush, inside the one member the archive holds.</summary>
    DeflatePieces = 1,

    /// <summary>A whole gzip member (header, deflate data, CRC-32 and size); the archive is their concatenation.</summary>
    WholeMembers = 2,
}
