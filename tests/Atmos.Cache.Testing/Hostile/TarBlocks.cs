using System.Text;

namespace Atmos.Cache.Testing.Hostile;

/// <summary>Writes tar headers and records into a <see cref="CompressedSink"/>, byte by byte as tar lays them out.</summary>
public sealed class TarBlocks(CompressedSink sink)
{
    /// <summary>One header; <paramref name="size"/> is what it declares, whether or not that content follows.</summary>
    public void Header(string name, char type, long size, string linkName = "", int mode = 0x1A4)
    {
        var header = new byte[512];
        Put(header, 0, 100, Encoding.UTF8.GetBytes(name));
        Octal(header, 100, 8, mode);
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        if (size < 1L << 33)
        {
            Octal(header, 124, 12, size);
        }
        else
        {
            // GNU base-256 for sizes past the 11 octal digits.
            header[124] = 0x80;
            for (var i = 0; i < 8; i++)
            {
                header[135 - i] = (byte)(size >> (8 * i));
            }
        }

        Octal(header, 136, 12, 1_700_000_000);
        header[156] = (byte)type;
        Put(header, 157, 100, Encoding.UTF8.GetBytes(linkName));
        Put(header, 257, 8, "ustar  \0"u8.ToArray());
        for (var i = 148; i < 156; i++)
        {
            header[i] = (byte)' ';
        }

        var sum = header.Sum(static b => (int)b);
        Put(header, 148, 8, Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 "));
        sink.Write(header);
    }

    /// <summary>A header with its content (padded to whole blocks).</summary>
    public void Entry(string name, char type, ReadOnlySpan<byte> content, string linkName = "")
    {
        Header(name, type, content.Length, linkName);
        sink.Write(content);
        sink.WriteZeros((512 - content.Length % 512) % 512);
    }

    /// <summary>A GNU long name ('L') or long link ('K') record.</summary>
    public void GnuLong(char type, string value) =>
        Entry("././@LongLink", type, Encoding.UTF8.GetBytes(value + "\0"));

    /// <summary>A PAX extended ('x') or global ('g') header with these records.</summary>
    public void Pax(char type, params (string Key, string Value)[] records)
    {
        var data = new StringBuilder();
        foreach (var (key, value) in records)
        {
            var body = $" {key}={value}\n";
            var length = Encoding.UTF8.GetByteCount(body);
            var total = length + length.ToString().Length;
            if (total.ToString().Length != length.ToString().Length)
            {
                total++;
            }

            data.Append(total).Append(body);
        }

        Entry("PaxHeaders/x", type, Encoding.UTF8.GetBytes(data.ToString()));
    }

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public void End() => sink.WriteZeros(1024);

    private static void Put(byte[] header, int offset, int length, byte[] value) =>
        value.AsSpan(0, Math.Min(length, value.Length)).CopyTo(header.AsSpan(offset, length));

    private static void Octal(byte[] header, int offset, int length, long value) =>
        Put(header, offset, length, Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0"));
}
