using System.Buffers.Binary;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Archiving.Trailer;

/// <summary>
/// The bytes of a trailer. Records are encoded as gzip extra subfields (tag, 16-bit length, payload),
/// the last one a locator holding the trailer's total length, so that a reader finds the trailer
/// from the archive's end without scanning:
/// <list type="bullet">
/// <item>gzip: empty members (<c>1f 8b 08</c>, flag FEXTRA, the records as the extra field, an empty
/// final deflate block, CRC-32 and size 0), as many as the records need (an extra field holds 64 KiB);</item>
/// <item>zstd: one skippable frame (magic <c>0x184D2A5A</c>, length, the records).</item>
/// </list>
/// </summary>
internal static class TrailerEncoding
{
    public const int RecordHeaderLength = 4;

    /// <summary>Above this a trailer is taken as damage, not read: bounds what a hostile archive can make the reader allocate.</summary>
    public const int MaxTrailerLength = 16 << 20;

    private const int LocatorLength = RecordHeaderLength + 4;
    private const uint ZstdSkippableMagic = 0x184D2A5A;
    private const int ZstdFrameHeaderLength = 8;
    private const int GzipHeaderLength = 10;
    private const int GzipMemberOverhead = GzipHeaderLength + 2 + 2 + 8; // header, XLEN, empty block, CRC-32 + size
    private static ReadOnlySpan<byte> GzipMemberHeader => [0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff];
    private static ReadOnlySpan<byte> GzipMemberEnd => [0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    public static byte[] Encode(ArchiveCompression compression, IReadOnlyList<TrailerRecord> records) => compression switch
    {
        ArchiveCompression.Gzip => EncodeGzip(records),
        ArchiveCompression.Zstd => EncodeZstd(records),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown archive compression."),
    };

    public static ArchiveTrailer? Decode(Stream archive, ArchiveCompression compression) => compression switch
    {
        ArchiveCompression.Gzip => Decode(archive, GzipMemberEnd.Length, DecodeGzip),
        ArchiveCompression.Zstd => Decode(archive, 0, DecodeZstd),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown archive compression."),
    };

    private static byte[] EncodeGzip(IReadOnlyList<TrailerRecord> records)
    {
        // Pack records into members; the locator always closes the last one.
        var members = new List<List<TrailerRecord>> { new() };
        var extraLength = 0;
        foreach (var record in records)
        {
            if (extraLength + record.EncodedLength + LocatorLength > ushort.MaxValue)
            {
                members.Add([]);
                extraLength = 0;
            }

            members[^1].Add(record);
            extraLength += record.EncodedLength;
        }

        var total = members.Sum(m => GzipMemberOverhead + m.Sum(r => r.EncodedLength)) + LocatorLength;
        var bytes = new byte[total];
        var at = 0;
        for (var i = 0; i < members.Count; i++)
        {
            var last = i == members.Count - 1;
            var extra = members[i].Sum(r => r.EncodedLength) + (last ? LocatorLength : 0);
            GzipMemberHeader.CopyTo(bytes.AsSpan(at));
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + GzipHeaderLength), (ushort)extra);
            at += GzipHeaderLength + 2;
            at = WriteRecords(bytes, at, members[i], last ? total : null);
            GzipMemberEnd.CopyTo(bytes.AsSpan(at));
            at += GzipMemberEnd.Length;
        }

        return bytes;
    }

    private static byte[] EncodeZstd(IReadOnlyList<TrailerRecord> records)
    {
        var payload = records.Sum(r => r.EncodedLength) + LocatorLength;
        var bytes = new byte[ZstdFrameHeaderLength + payload];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, ZstdSkippableMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)payload);
        WriteRecords(bytes, ZstdFrameHeaderLength, records, bytes.Length);
        return bytes;
    }

    private static int WriteRecords(byte[] bytes, int at, IEnumerable<TrailerRecord> records, int? locatorTotal)
    {
        foreach (var record in records)
        {
            at = WriteRecord(bytes, at, record.Tag, record.Payload.Span);
        }

        if (locatorTotal is { } total)
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)total);
            at = WriteRecord(bytes, at, TrailerTag.Locator, length);
        }

        return at;
    }

    private static int WriteRecord(byte[] bytes, int at, TrailerTag tag, ReadOnlySpan<byte> payload)
    {
        bytes[at] = tag.First;
        bytes[at + 1] = tag.Second;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 2), (ushort)payload.Length);
        payload.CopyTo(bytes.AsSpan(at + RecordHeaderLength));
        return at + RecordHeaderLength + payload.Length;
    }

    /// <summary>Finds the locator <paramref name="locatorOffsetFromEnd"/> bytes before the end, then reads the whole trailer.</summary>
    private static ArchiveTrailer? Decode(Stream archive, int locatorOffsetFromEnd, Func<byte[], List<TrailerRecord>> parse)
    {
        var length = archive.Length;
        var tailLength = LocatorLength + locatorOffsetFromEnd;
        if (length < tailLength)
        {
            return null;
        }

        var tail = new byte[tailLength];
        archive.Position = length - tailLength;
        archive.ReadExactly(tail);
        if (tail[0] != TrailerTag.Locator.First || tail[1] != TrailerTag.Locator.Second
            || BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(2)) != 4
            || (locatorOffsetFromEnd > 0 && !tail.AsSpan(LocatorLength).SequenceEqual(GzipMemberEnd)))
        {
            return null;
        }

        var total = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(RecordHeaderLength));
        if (total > MaxTrailerLength || total > length || total < tailLength)
        {
            throw Damaged($"its trailer claims {total} bytes");
        }

        var bytes = new byte[total];
        archive.Position = length - total;
        archive.ReadExactly(bytes);
        return new ArchiveTrailer(parse(bytes), length - total);
    }

    private static List<TrailerRecord> DecodeGzip(byte[] bytes)
    {
        var records = new List<TrailerRecord>();
        var at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < GzipMemberOverhead || !bytes.AsSpan(at, GzipHeaderLength).SequenceEqual(GzipMemberHeader))
            {
                throw Damaged("a trailer member has an unexpected header");
            }

            var extra = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + GzipHeaderLength));
            var extraStart = at + GzipHeaderLength + 2;
            var end = extraStart + extra;
            if (end + GzipMemberEnd.Length > bytes.Length || !bytes.AsSpan(end, GzipMemberEnd.Length).SequenceEqual(GzipMemberEnd))
            {
                throw Damaged("a trailer member is not an empty gzip member");
            }

            ReadRecords(bytes.AsMemory(extraStart, extra), records);
            at = end + GzipMemberEnd.Length;
        }

        return records;
    }

    private static List<TrailerRecord> DecodeZstd(byte[] bytes)
    {
        if (bytes.Length < ZstdFrameHeaderLength
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != ZstdSkippableMagic
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)) != bytes.Length - ZstdFrameHeaderLength)
        {
            throw Damaged("the trailer is not the package's zstd skippable frame");
        }

        var records = new List<TrailerRecord>();
        ReadRecords(bytes.AsMemory(ZstdFrameHeaderLength), records);
        return records;
    }

    private static void ReadRecords(ReadOnlyMemory<byte> field, List<TrailerRecord> records)
    {
        var span = field.Span;
        var at = 0;
        while (at < span.Length)
        {
            if (span.Length - at < RecordHeaderLength)
            {
                throw Damaged("a trailer record is cut short");
            }

            var tag = new TrailerTag(span[at], span[at + 1]);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 2)..]);
            if (at + RecordHeaderLength + length > span.Length)
            {
                throw Damaged($"the trailer record '{tag}' is cut short");
            }

            if (tag != TrailerTag.Locator)
            {
                records.Add(new TrailerRecord(tag, field.Slice(at + RecordHeaderLength, length)));
            }

            at += RecordHeaderLength + length;
        }
    }

    private static CacheArchiveException Damaged(string what) =>
        new($"The cache archive's end is damaged ({what}). It was not restored.");
}
