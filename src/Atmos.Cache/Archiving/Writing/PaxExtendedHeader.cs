using System.Globalization;
using System.Text;
using ICSharpCode.SharpZipLib.Tar;

namespace Atmos.Cache.Archiving.Writing;

/// <summary>
/// Keeps every header of the archive in one standard format, POSIX USTAR (magic <c>ustar\0</c>,
/// version <c>00</c>), as Go's archive/tar, GNU tar and Python's tarfile identify it. USTAR holds
/// names and link targets of up to 100 ASCII bytes and sizes below 8 GiB; an entry with anything
/// more gets a PAX extended header (type <c>x</c>) before it with the full UTF-8 value, and its own
/// fields keep an ASCII stand-in, as Go's writer does.
/// </summary>
internal static class PaxExtendedHeader
{
    /// <summary>The largest size USTAR's 11 octal digits hold.</summary>
    private const long MaxUstarSize = 0x1_FFFF_FFFF;

    private const int StandInLength = TarHeader.NAMELEN - 1;

    /// <summary>Marks the header as USTAR.</summary>
    public static void MarkUstar(TarHeader header)
    {
        header.Magic = "ustar";
        header.Version = "00";
    }

    /// <summary>The PAX records the entry needs (null when USTAR holds it), its USTAR fields fitted to their stand-ins.</summary>
    public static byte[]? RecordsFor(TarHeader header)
    {
        StringBuilder? records = null;
        if (!FitsUstar(header.Name))
        {
            Add(ref records, "path", header.Name);
            header.Name = StandIn(header.Name, folder: header.TypeFlag == TarHeader.LF_DIR);
        }

        if (!string.IsNullOrEmpty(header.LinkName) && !FitsUstar(header.LinkName))
        {
            Add(ref records, "linkpath", header.LinkName);
            header.LinkName = StandIn(header.LinkName, folder: true);
        }

        if (header.Size > MaxUstarSize)
        {
            Add(ref records, "size", header.Size.ToString(CultureInfo.InvariantCulture));
        }

        return records is null ? null : Encoding.UTF8.GetBytes(records.ToString());
    }

    /// <summary>The header of the PAX record block of <paramref name="entry"/> (already fitted), holding <paramref name="length"/> bytes.</summary>
    public static TarHeader HeaderFor(TarHeader entry, int length)
    {
        var header = new TarHeader
        {
            // As GNU tar and Go name it: a folder "PaxHeaders" beside the entry's (stand-in) name.
            Name = StandIn("PaxHeaders/" + entry.Name.TrimEnd('/'), folder: false),
            TypeFlag = TarHeader.LF_XHDR,
            Mode = 0x1A4,
            ModTime = entry.ModTime,
            UserName = string.Empty,
            GroupName = string.Empty,
            LinkName = string.Empty,
            Size = length,
        };
        MarkUstar(header);
        return header;
    }

    private static bool FitsUstar(string value) =>
        value.Length <= TarHeader.NAMELEN && Ascii.IsValid(value) && !value.Contains('\0');

    /// <summary>
    /// The value cut to 99 bytes, with every non-ASCII or control character as '_'. Outside a folder's
    /// own name it never ends in '/': SharpZipLib takes such an entry for a folder and writes size 0
    /// (a NuGet packages folder has names whose 99-byte cut ends there).
    /// </summary>
    private static string StandIn(string value, bool folder)
    {
        var standIn = new StringBuilder(Math.Min(value.Length, StandInLength));
        foreach (var c in value)
        {
            if (standIn.Length == StandInLength)
            {
                break;
            }

            standIn.Append(c is >= ' ' and < (char)0x7F ? c : '_');
        }

        if (!folder && standIn.Length > 0 && standIn[^1] == '/')
        {
            standIn[^1] = '_';
        }

        return standIn.ToString();
    }

    /// <summary>Appends one record, "&lt;length&gt; &lt;key&gt;=&lt;value&gt;\n", whose length counts its own digits.</summary>
    private static void Add(ref StringBuilder? records, string key, string value)
    {
        records ??= new StringBuilder();
        var body = Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value) + 3; // ' ', '=', '\n'
        var length = body + Digits(body);
        length = body + Digits(length);
        records.Append(length.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(key).Append('=').Append(value).Append('\n');
    }

    private static int Digits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;
}
