using System.IO.Compression;

namespace Atmos.Cache.Testing;

/// <summary>
/// The ways a stored archive is found damaged, each applied to the stored bytes of a gzip entry:
/// cut short, a tar header that fails its checksum, broken gzip magic bytes, a damaged trailer
/// (the records after the compressed data) and a flipped byte inside the compressed data.
/// </summary>
public static class ArchiveDamage
{
    /// <summary>Each kind by name, for data-driven tests.</summary>
    public static IReadOnlyDictionary<string, Func<byte[], byte[]>> Kinds { get; } = new Dictionary<string, Func<byte[], byte[]>>
    {
        ["truncated"] = bytes => Truncated(bytes, 0.6),
        ["tar-header-checksum"] = TarHeaderChecksumBroken,
        ["gzip-magic"] = GzipMagicBroken,
        ["trailer"] = TrailerBroken,
        ["content-byte"] = ContentByteFlipped,
    };

    /// <summary>The first <paramref name="fraction"/> of the archive.</summary>
    public static byte[] Truncated(byte[] archive, double fraction) => archive[..(int)(archive.Length * fraction)];

    /// <summary>The gzip magic bytes inverted.</summary>
    public static byte[] GzipMagicBroken(byte[] archive)
    {
        var damaged = (byte[])archive.Clone();
        damaged[0] ^= 0xff;
        damaged[1] ^= 0xff;
        return damaged;
    }

    /// <summary>A byte of the archive's last 16 inverted: the trailer's records (or, without a trailer, the gzip CRC and size).</summary>
    public static byte[] TrailerBroken(byte[] archive)
    {
        var damaged = (byte[])archive.Clone();
        damaged[^12] ^= 0xff;
        return damaged;
    }

    /// <summary>64 bytes inverted in the middle of the compressed data.</summary>
    public static byte[] ContentByteFlipped(byte[] archive)
    {
        var damaged = (byte[])archive.Clone();
        var start = archive.Length / 2 - 32;
        for (var i = start; i < start + 64; i++)
        {
            damaged[i] ^= 0xff;
        }

        return damaged;
    }

    /// <summary>
    /// The same tar stream with the first header's name changed but not its checksum, gzip-compressed
    /// again (without a trailer, as the Atmos CLI writes): the compression is sound, the tar header is not.
    /// </summary>
    public static byte[] TarHeaderChecksumBroken(byte[] archive)
    {
        using var tar = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(archive), CompressionMode.Decompress))
        {
            gzip.CopyTo(tar);
        }

        var bytes = tar.ToArray();
        bytes[0] ^= 0x01;
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }
}
