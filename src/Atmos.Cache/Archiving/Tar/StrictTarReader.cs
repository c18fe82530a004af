using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Archiving.Tar;

/// <summary>
/// A strict, streaming tar reader (ustar, GNU and PAX). Unlike SharpZipLib's TarInputStream it
/// never pads a short stream with zeros, applies GNU long link names and PAX linkpath/size/mtime,
/// verifies every header checksum, and demands a proper end-of-archive marker: any truncation
/// or corruption is a <see cref="CacheArchiveException"/>. Everything it consumes is bounded by
/// <see cref="TarLimits"/>: headers and metadata records count as entries, declared content counts
/// when its header is read (written or skipped alike), and only a bounded amount is read past the end.
/// </summary>
internal sealed class StrictTarReader
{
    private const int BlockSize = TarFields.BlockSize;

    private readonly Stream _source;
    private readonly TarLimits _limits;
    private readonly byte[] _buffer;
    private long _headers;
    private long _contentDeclared;
    private long _metadataBytes;
    private long _skippedBytes;
    private int _start;
    private int _end;
    private bool _sourceEnded;
    private long _position;
    private long _contentRemaining;
    private long _paddingRemaining;
    private string _currentName = string.Empty;

    public StrictTarReader(Stream source, TarLimits limits, int bufferSize = 1 << 20)
    {
        _source = source;
        _limits = limits;
        _buffer = new byte[bufferSize];
    }

    /// <summary>Bytes of the tar stream consumed so far (what <see cref="ReadPastEnd"/> read included).</summary>
    public long Position => _position;

    /// <summary>The next entry, or null at a proper end of archive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TarEntryHeader? Next()
    {
        SkipRest();
        string? longName = null;
        string? longLink = null;
        Dictionary<string, string>? pax = null;

        while (true)
        {
            var offset = _position;
            var block = ReadBlock("a header");
            if (TarFields.IsZeroBlock(block))
            {
                ReadEndOfArchive(offset, longName is not null || longLink is not null || pax is not null);
                return null;
            }

            if (!TarFields.ChecksumMatches(block))
            {
                throw Corrupt($"the tar header at offset {offset} has a wrong checksum");
            }

            if (++_headers > _limits.MaxEntries)
            {
                throw new CacheArchiveException(
                    $"The cache archive holds more than {_limits.MaxEntries} entries (the limit, metadata records included), so it was not restored; '{EntryNames.Display(TarFields.Name(block))}' is one too many.");
            }

            var flag = block[156];
            if (!TarFields.TryNumber(block.Slice(124, 12), out var size) || size < 0)
            {
                throw Corrupt($"the tar header at offset {offset} has an invalid size");
            }

            switch (flag)
            {
                case (byte)'L':
                    CheckLength(size - 1, _limits.MaxPathBytes, offset, "a long name");
                    longName = Encoding.UTF8.GetString(ReadMetadata(size, offset)).TrimEnd('\0');
                    continue;
                case (byte)'K':
                    CheckLength(size - 1, _limits.MaxLinkTargetBytes, offset, "a long link target");
                    longLink = Encoding.UTF8.GetString(ReadMetadata(size, offset)).TrimEnd('\0');
                    continue;
                case (byte)'x':
                    pax ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    if (!PaxRecords.TryParse(ReadMetadata(size, offset), pax))
                    {
                        throw Corrupt($"the PAX header at offset {offset} is malformed");
                    }

                    continue;
                case (byte)'g':
                    // Global PAX defaults: nothing in them matters for a cache restore, so they are skipped unread.
                    CountMetadata(size, offset);
                    _currentName = "a PAX global header";
                    _contentRemaining = size;
                    _paddingRemaining = Padding(size);
                    SkipRest(countSkipped: false);
                    continue;
            }

            return BuildEntry(block, flag, size, offset, longName, longLink, pax);
        }
    }

    /// <summary>Writes the current entry's content to <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CopyContentTo(Stream destination)
    {
        while (_contentRemaining > 0)
        {
            if (!Fill(1))
            {
                throw Truncated($"inside the content of '{_currentName}'");
            }

            var n = (int)Math.Min(_end - _start, _contentRemaining);
            destination.Write(_buffer, _start, n);
            Consume(n);
            _contentRemaining -= n;
        }

        SkipRest();
    }

    /// <summary>
    /// Reads what follows the end-of-archive marker, so the decompressor checks its own end, but no
    /// more than <see cref="TarLimits.MaxBytesAfterEnd"/>. False when the stream goes on past that
    /// (it is left unread, as GNU tar leaves what follows the marker).
    /// </summary>
    public bool ReadPastEnd()
    {
        long read = _end - _start;
        _start = _end = 0;
        while (!_sourceEnded && read <= _limits.MaxBytesAfterEnd)
        {
            var n = _source.Read(_buffer, 0, (int)Math.Min(_buffer.Length, _limits.MaxBytesAfterEnd - read + 1));
            if (n == 0)
            {
                _sourceEnded = true;
            }

            read += n;
        }

        _position += read;

        return _sourceEnded && read <= _limits.MaxBytesAfterEnd;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private TarEntryHeader BuildEntry(ReadOnlySpan<byte> block, byte flag, long size, long offset, string? longName, string? longLink, Dictionary<string, string>? pax)
    {
        string? paxPath = null;
        string? paxLink = null;
        string? paxSize = null;
        string? paxTime = null;
        pax?.TryGetValue("path", out paxPath);
        pax?.TryGetValue("linkpath", out paxLink);
        pax?.TryGetValue("size", out paxSize);
        pax?.TryGetValue("mtime", out paxTime);

        var name = paxPath ?? longName ?? TarFields.Name(block);
        var link = paxLink ?? longLink ?? TarFields.Text(block.Slice(157, 100));
        CheckName(name, offset);
        if (Encoding.UTF8.GetByteCount(link) > _limits.MaxLinkTargetBytes)
        {
            throw OverLimit($"the entry '{EntryNames.Display(name)}' has a link target of {Encoding.UTF8.GetByteCount(link)} bytes (at most {_limits.MaxLinkTargetBytes})");
        }

        if (paxSize is not null && (!long.TryParse(paxSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 0))
        {
            throw Corrupt($"the PAX size of '{name}' is invalid");
        }

        DateTime modified;
        if (paxTime is not null)
        {
            if (!PaxRecords.TryTime(paxTime, out modified))
            {
                throw Corrupt($"the PAX mtime of '{name}' is invalid");
            }
        }
        else if (TarFields.TryNumber(block.Slice(136, 12), out var seconds))
        {
            modified = DateTime.UnixEpoch.AddSeconds(Math.Clamp(seconds, -62_135_596_800L, 253_402_300_799L));
        }
        else
        {
            throw Corrupt($"the tar header of '{name}' has an invalid modification time");
        }

        if (!TarFields.TryNumber(block.Slice(100, 8), out var mode))
        {
            throw Corrupt($"the tar header of '{name}' has an invalid mode");
        }

        var type = TarFields.TypeOf(flag, name);
        var contentSize = TarFields.IsHeaderOnly(type) ? 0 : size;
        // Counted now, whether the content is then written or skipped.
        if (contentSize > _limits.MaxContentBytes - _contentDeclared)
        {
            throw new CacheArchiveException(
                $"The cache archive holds more than {_limits.MaxContentBytes} bytes of content (the limit), so it was not restored; the entry '{EntryNames.Display(name)}' ({contentSize} bytes) goes over it.");
        }

        _contentDeclared += contentSize;
        _currentName = name;
        _contentRemaining = contentSize;
        _paddingRemaining = Padding(contentSize);
        return new TarEntryHeader(name, type, (char)flag, link, (int)(mode & 0xFFF), contentSize, modified, offset);
    }

    private void ReadEndOfArchive(long offset, bool metadataPending)
    {
        var second = ReadBlock("the end-of-archive marker");
        if (!TarFields.IsZeroBlock(second))
        {
            throw Corrupt($"a lone zero block at offset {offset} is followed by data");
        }

        if (metadataPending)
        {
            throw Corrupt("the archive ends right after a long-name or PAX record");
        }
    }

    /// <summary>Refuses a name over the length, component or component-length limits, before the entry is used.</summary>
    private void CheckName(string name, long offset)
    {
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > _limits.MaxPathBytes)
        {
            throw OverLimit($"the entry '{EntryNames.Display(name)}' at offset {offset} has a name of {bytes} bytes (at most {_limits.MaxPathBytes})");
        }

        var components = 0;
        var rest = name.AsSpan();
        while (rest.Length > 0)
        {
            var slash = rest.IndexOf('/');
            var component = slash < 0 ? rest : rest[..slash];
            rest = slash < 0 ? default : rest[(slash + 1)..];
            if (component.Length == 0)
            {
                continue;
            }

            if (++components > _limits.MaxPathComponents)
            {
                throw OverLimit($"the entry '{EntryNames.Display(name)}' at offset {offset} is more than {_limits.MaxPathComponents} folders deep");
            }

            if (component.Length > _limits.MaxComponentBytes / 3 && Encoding.UTF8.GetByteCount(component) > _limits.MaxComponentBytes)
            {
                throw OverLimit($"the entry '{EntryNames.Display(name)}' at offset {offset} has a component longer than {_limits.MaxComponentBytes} bytes");
            }
        }
    }

    private void CheckLength(long length, int limit, long offset, string what)
    {
        if (length > limit)
        {
            throw OverLimit($"the entry at offset {offset} has {what} of {length} bytes (at most {limit})");
        }
    }

    private void CountMetadata(long size, long offset)
    {
        if (size > _limits.MaxMetadataRecordBytes)
        {
            throw OverLimit($"the metadata record at offset {offset} is {size} bytes long (at most {_limits.MaxMetadataRecordBytes})");
        }

        _metadataBytes += size;
        if (_metadataBytes > _limits.MaxMetadataBytes)
        {
            throw OverLimit($"its metadata records (PAX headers, long names) hold more than {_limits.MaxMetadataBytes} bytes together (at offset {offset})");
        }
    }

    private static long Padding(long size) => (BlockSize - (size % BlockSize)) % BlockSize;

    private byte[] ReadMetadata(long size, long offset)
    {
        CountMetadata(size, offset);
        var data = new byte[size];
        var filled = 0;
        _currentName = "a metadata record";
        while (filled < size)
        {
            if (!Fill(1))
            {
                throw Truncated($"inside the metadata record at offset {offset}");
            }

            var n = Math.Min(_end - _start, (int)size - filled);
            _buffer.AsSpan(_start, n).CopyTo(data.AsSpan(filled));
            Consume(n);
            filled += n;
        }

        _contentRemaining = 0;
        _paddingRemaining = Padding(size);
        SkipRest();
        return data;
    }

    /// <summary>Skips the unread content and padding of the current entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SkipRest(bool countSkipped = true)
    {
        if (countSkipped && _contentRemaining > 0)
        {
            _skippedBytes += _contentRemaining;
            if (_skippedBytes > _limits.MaxSkippedBytes)
            {
                throw OverLimit($"more than {_limits.MaxSkippedBytes} bytes of content would be read only to be skipped ('{EntryNames.Display(_currentName)}' goes over it)");
            }
        }

        var skip = _contentRemaining + _paddingRemaining;
        while (skip > 0)
        {
            if (!Fill(1))
            {
                throw Truncated($"inside the content of '{_currentName}'");
            }

            var n = (int)Math.Min(_end - _start, skip);
            Consume(n);
            skip -= n;
        }

        _contentRemaining = 0;
        _paddingRemaining = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<byte> ReadBlock(string what)
    {
        if (!Fill(BlockSize))
        {
            throw Truncated($"where {what} was expected (offset {_position})");
        }

        var block = _buffer.AsSpan(_start, BlockSize);
        Consume(BlockSize);
        return block;
    }

    private void Consume(int count)
    {
        _start += count;
        _position += count;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available; false when the stream ends first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Fill(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_start > 0)
        {
            // Keep the unread tail (less than a block normally) at the front.
            var tail = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, tail);
            _start = 0;
            _end = tail;
        }

        while (_end < count && !_sourceEnded)
        {
            var read = _source.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _sourceEnded = true;
                break;
            }

            _end += read;
        }

        return _end - _start >= count;
    }

    private static CacheArchiveException Corrupt(string detail) =>
        new($"The cache archive is corrupt: {detail}. It was not restored.");

    private static CacheArchiveException OverLimit(string detail) =>
        new($"The cache archive goes over a limit, so it was not restored: {detail}.");

    private static CacheArchiveException Truncated(string detail) =>
        new($"The cache archive is truncated: it ends {detail}. It was not restored.");
}
