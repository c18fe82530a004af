using System.Runtime.CompilerServices;
using System.Text;

namespace Atmos.Cache.Archiving.Tar;

/// <summary>Parses the fixed fields of a 512-byte tar header (ustar, GNU and old formats).</summary>
internal static class TarFields
{
    public const int BlockSize = 512;

    /// <summary>A NUL-terminated text field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    /// <summary>
    /// A numeric field: octal text (padded with spaces or NULs) or GNU base-256 (high bit set).
    /// Returns false when the field is malformed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryNumber(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            return TryBase256(field, out value);
        }

        var i = 0;
        while (i < field.Length && (field[i] == (byte)' ' || field[i] == 0))
        {
            i++;
        }

        for (; i < field.Length; i++)
        {
            var c = field[i];
            if (c == (byte)' ' || c == 0)
            {
                // Only padding may follow the digits.
                for (var j = i; j < field.Length; j++)
                {
                    if (field[j] != (byte)' ' && field[j] != 0)
                    {
                        return false;
                    }
                }

                return true;
            }

            if (c < (byte)'0' || c > (byte)'7' || value > (long.MaxValue >> 3))
            {
                return false;
            }

            value = (value << 3) | (long)(c - (byte)'0');
        }

        return true;
    }

    private static bool TryBase256(ReadOnlySpan<byte> field, out long value)
    {
        var negative = (field[0] & 0x40) != 0;
        ulong magnitude = (ulong)(field[0] & 0x3F);
        if (negative)
        {
            // Two's complement: invert so the arithmetic below stays positive.
            magnitude = (ulong)(~field[0] & 0x3F);
        }

        for (var i = 1; i < field.Length; i++)
        {
            var b = negative ? (byte)~field[i] : field[i];
            if (magnitude > (ulong.MaxValue >> 8))
            {
                value = 0;
                return false;
            }

            magnitude = (magnitude << 8) | b;
        }

        if (magnitude > long.MaxValue)
        {
            value = 0;
            return false;
        }

        value = negative ? -(long)magnitude - 1 : (long)magnitude;
        return true;
    }

    /// <summary>Whether the header's stored checksum matches (unsigned or historic signed sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool ChecksumMatches(ReadOnlySpan<byte> header)
    {
        if (!TryNumber(header.Slice(148, 8), out var stored))
        {
            return false;
        }

        long unsignedSum = 0;
        long signedSum = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }

        return stored == unsignedSum || stored == signedSum;
    }

    public static bool IsZeroBlock(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    /// <summary>The entry name, with the POSIX ustar prefix field when the header has one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Name(ReadOnlySpan<byte> header)
    {
        var name = Text(header[..100]);
        // "ustar\0" + "00" is POSIX ustar (prefix field at 345); GNU's "ustar  \0" keeps other data there.
        if (header.Slice(257, 6).SequenceEqual("ustar\0"u8))
        {
            var prefix = Text(header.Slice(345, 155));
            if (prefix.Length > 0)
            {
                return prefix + "/" + name;
            }
        }

        return name;
    }

    public static TarEntryType TypeOf(byte flag, string name) => flag switch
    {
        (byte)'0' or (byte)'7' => TarEntryType.File,
        // Old tars mark folders only by the trailing slash.
        0 => name.EndsWith('/') ? TarEntryType.Folder : TarEntryType.File,
        (byte)'5' => TarEntryType.Folder,
        (byte)'2' => TarEntryType.Symlink,
        (byte)'1' => TarEntryType.HardLink,
        (byte)'3' => TarEntryType.CharacterDevice,
        (byte)'4' => TarEntryType.BlockDevice,
        (byte)'6' => TarEntryType.Fifo,
        _ => TarEntryType.Other,
    };

    /// <summary>Types whose size field does not announce content (as Go's archive/tar treats them).</summary>
    public static bool IsHeaderOnly(TarEntryType type) =>
        type is TarEntryType.Folder or TarEntryType.Symlink or TarEntryType.HardLink
            or TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo;
}
