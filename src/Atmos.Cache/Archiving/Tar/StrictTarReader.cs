using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Archiving.Tar;

/// <summary>
/// A strict, streaming tar reader (ustar, GNU and PAX). Unlike SharpZipLib's TarInputStream it
/// never pads a short stream with zeros, applies GNU long link names and PAX linkpath/size/mtime,
/// verifies every header checksum, and demands a proper end-of-archive marker: any truncation
/// or corruption is a <see cref="CacheArchiveException"/>.
/// </summary>
internal sealed class StrictTarReader
{
    private const int BlockSize = TarFields.BlockSize;
    /// <summary>Bound on one metadata record (long name or PAX header): real ones are tiny.</summary>
    private const int MaxMetadataBytes = 1 << 20;

    private readonly Stream _source;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private bool _sourceEnded;
    private long _position;
    private long _contentRemaining;
    private long _paddingRemaining;
    private string _currentName = string.Empty;

    public StrictTarReader(Stream source, int bufferSize = 1 << 20)
    {
        _source = source;
        _buffer = new byte[bufferSize];
    }

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

            var flag = block[156];
            if (!TarFields.TryNumber(block.Slice(124, 12), out var size) || size < 0)
            {
                throw Corrupt($"the tar header at offset {offset} has an invalid size");
            }

            switch (flag)
            {
                case (byte)'L':
                    longName = Encoding.UTF8.GetString(ReadMetadata(size, offset)).TrimEnd('\0');
                    continue;
                case (byte)'K':
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
                    // Global PAX defaults: nothing in them matters for a cache restore.
                    ReadMetadata(size, offset);
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

    /// <summary>Reads whatever follows the end-of-archive marker, so the decompressor validates its end.</summary>
    public void DrainToEnd()
    {
        _start = _end = 0;
        while (!_sourceEnded)
        {
            var read = _source.Read(_buffer, 0, _buffer.Length);
            if (read == 0)
            {
                _sourceEnded = true;
            }
        }
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
        _currentName = name;
        _contentRemaining = contentSize;
        _paddingRemaining = (BlockSize - (contentSize % BlockSize)) % BlockSize;
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

    private byte[] ReadMetadata(long size, long offset)
    {
        if (size > MaxMetadataBytes)
        {
            throw Corrupt($"the metadata record at offset {offset} is {size} bytes long (more than {MaxMetadataBytes})");
        }

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
        _paddingRemaining = (BlockSize - (size % BlockSize)) % BlockSize;
        SkipRest();
        return data;
    }

    /// <summary>Skips the unread content and padding of the current entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SkipRest()
    {
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
        new($"The cache archive is corrupt: {detail}. It was not restored; save the cache again.");

    private static CacheArchiveException Truncated(string detail) =>
        new($"The cache archive is truncated: it ends {detail}. It was not restored; save the cache again.");
}
