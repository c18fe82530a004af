using System.Buffers.Binary;
using Atmos.Cache.Archiving.Trailer;

namespace Atmos.Cache.Archiving.Compression;

/// <summary>
/// Where the independently inflatable chunks of a <see cref="ParallelGzipCompressor"/> member start,
/// carried in the archive trailer as <see cref="TrailerTag.ChunkIndex"/> records. Each record is a
/// format byte (1) and, per chunk in order, its deflate length and uncompressed length (unsigned
/// LEB128) and its CRC-32 (4 bytes, little-endian); a long index spreads over several records.
/// The first chunk starts right after the member's 10-byte header, each next one where the one
/// before ends; after the last come the empty final block and the member's CRC-32 and size.
/// </summary>
internal sealed class GzipChunkIndex
{
    public const int HeaderLength = 10;
    private const byte Format = 1;
    private const int MaxEntryLength = 5 + 5 + 4;
    private const int MemberEndLength = 2 + 8; // empty final block, CRC-32, size

    private GzipChunkIndex(IReadOnlyList<GzipChunk> chunks) => Chunks = chunks;

    /// <summary>The chunks in order, with their offsets in the archive.</summary>
    public IReadOnlyList<GzipChunk> Chunks { get; }

    /// <summary>The longest uncompressed chunk.</summary>
    public int MaxLength => Chunks.Count == 0 ? 0 : Chunks.Max(c => c.Length);

    /// <summary>The longest chunk of deflate data.</summary>
    public int MaxDeflatedLength => Chunks.Count == 0 ? 0 : Chunks.Max(c => c.DeflatedLength);

    /// <summary>The records holding <paramref name="chunks"/> (deflate length, uncompressed length, CRC-32 each).</summary>
    public static IReadOnlyList<TrailerRecord> Encode(IReadOnlyList<(int Deflated, int Length, uint Crc)> chunks)
    {
        var records = new List<TrailerRecord>();
        var payload = new byte[TrailerRecord.MaxPayloadLength];
        var at = 0;
        foreach (var chunk in chunks)
        {
            if (at == 0)
            {
                payload[at++] = Format;
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
    /// The index of the archive's gzip member, or null when the trailer has none, or one that does
    /// not parse or does not match the member exactly (its header, length, CRC-32 and size): such an
    /// archive is then read serially, where the gzip checks decide.
    /// </summary>
    public static GzipChunkIndex? TryRead(Stream archive, ArchiveTrailer? trailer, int maxChunkLength)
    {
        var records = trailer?.FindAll(TrailerTag.ChunkIndex).ToList();
        if (trailer is null || records is null || records.Count == 0 || trailer.DataLength < HeaderLength + MemberEndLength)
        {
            return null;
        }

        var chunks = new List<GzipChunk>();
        long offset = HeaderLength;
        long total = 0;
        uint crc = 0;
        foreach (var record in records)
        {
            var span = record.Payload.Span;
            if (span.Length == 0 || span[0] != Format)
            {
                return null;
            }

            var at = 1;
            while (at < span.Length)
            {
                if (!TryReadVarint(span, ref at, out var deflated) || !TryReadVarint(span, ref at, out var length) || span.Length - at < 4
                    || deflated == 0 || deflated > 2L * maxChunkLength + 65536 || length == 0 || length > maxChunkLength)
                {
                    return null;
                }

                var chunkCrc = BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
                at += 4;
                chunks.Add(new GzipChunk(offset, (int)deflated, (int)length, chunkCrc));
                offset += deflated;
                total += length;
                crc = Crc32Combiner.Combine(crc, chunkCrc, length);
            }
        }

        return offset + MemberEndLength == trailer.DataLength && MatchesMember(archive, trailer.DataLength, crc, total)
            ? new GzipChunkIndex(chunks)
            : null;
    }

    /// <summary>A plain member header (deflate, no optional fields) and an end that holds the chunks' combined CRC-32 and size.</summary>
    private static bool MatchesMember(Stream archive, long dataLength, uint crc, long total)
    {
        var position = archive.Position;
        try
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            Span<byte> end = stackalloc byte[MemberEndLength];
            archive.Position = 0;
            archive.ReadExactly(header);
            archive.Position = dataLength - MemberEndLength;
            archive.ReadExactly(end);
            return header[0] == 0x1f && header[1] == 0x8b && header[2] == 8 && header[3] == 0
                && end[0] == 0x03 && end[1] == 0x00
                && BinaryPrimitives.ReadUInt32LittleEndian(end[2..]) == crc
                && BinaryPrimitives.ReadUInt32LittleEndian(end[6..]) == unchecked((uint)total);
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

/// <summary>One chunk of a gzip member: its deflate data at <paramref name="Offset"/> in the archive, and what it inflates to.</summary>
internal readonly record struct GzipChunk(long Offset, int DeflatedLength, int Length, uint Crc);
