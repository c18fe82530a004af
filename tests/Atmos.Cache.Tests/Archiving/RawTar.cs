using System.IO.Compression;
using System.Text;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>Builds tar streams byte by byte, so tests can make archives no well-behaved writer would.</summary>
public sealed class RawTar
{
    private readonly MemoryStream _tar = new();

    public RawTar File(string name, string content, int mode = 0x1A4) =>
        Entry(name, '0', Encoding.UTF8.GetBytes(content), mode: mode);

    public RawTar Folder(string name, int mode = 0x1ED) => Entry(name, '5', []);

    public RawTar Symlink(string name, string target) => Entry(name, '2', [], linkName: target);

    /// <summary>Adds one header (and content); <paramref name="declaredSize"/> overrides the size field.</summary>
    public RawTar Entry(string name, char type, byte[] content, string linkName = "", int mode = 0x1A4, long? declaredSize = null, long mtime = 1_700_000_000)
    {
        var header = new byte[512];
        Put(header, 0, 100, Encoding.UTF8.GetBytes(name));
        Octal(header, 100, 8, mode);
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        Octal(header, 124, 12, declaredSize ?? content.Length);
        Octal(header, 136, 12, mtime);
        header[156] = (byte)type;
        Put(header, 157, 100, Encoding.UTF8.GetBytes(linkName));
        Put(header, 257, 8, "ustar\000"u8.ToArray());
        for (var i = 148; i < 156; i++)
        {
            header[i] = (byte)' ';
        }

        var sum = header.Sum(static b => (int)b);
        Put(header, 148, 8, Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 "));
        _tar.Write(header);
        _tar.Write(content);
        _tar.Write(new byte[(512 - content.Length % 512) % 512]);
        return this;
    }

    public byte[] ToTar()
    {
        var copy = new MemoryStream();
        _tar.Position = 0;
        _tar.CopyTo(copy);
        copy.Write(new byte[1024]);
        return copy.ToArray();
    }

    public byte[] ToGzip() => Gzip(ToTar());

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static void Put(byte[] header, int offset, int length, byte[] value) =>
        value.AsSpan(0, Math.Min(length, value.Length)).CopyTo(header.AsSpan(offset, length));

    private static void Octal(byte[] header, int offset, int length, long value) =>
        Put(header, offset, length, Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0"));
}
