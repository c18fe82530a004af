using System.IO.Compression;
using System.Text;
using Atmos.Cache.Archiving;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// The tar headers are of one standard format for the whole archive: every header (the entries' and
/// the metadata records' before them) carries USTAR's magic and version (<c>ustar\0</c> + <c>00</c>),
/// the pair Go's archive/tar, GNU tar and Python's tarfile recognise as USTAR/PAX; names and values
/// USTAR cannot hold travel in PAX records.
/// </summary>
[TestClass]
public sealed class TarHeaderFormatTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task EveryHeaderOfLongNonAsciiLargeAndLinkEntriesIsUstar()
    {
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        SampleTree.Write(source, "naïve/ü.txt", "short but not ASCII", 0x1A4, new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        SampleTree.Write(source, string.Concat(Enumerable.Repeat("é", 60)) + ".txt", "120 bytes of name", 0x1A4, new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        File.CreateSymbolicLink(Path.Combine(source, "ünïcode-link"), "naïve/ü.txt");
        var archive = temp.Combine("ours.tar.gz");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions(), TestContext.CancellationToken);

        var headers = Headers(archive);

        Assert.IsGreaterThan(10, headers.Count);
        foreach (var (offset, type, name, magic) in headers)
        {
            Assert.AreEqual("ustar\\0 00", magic, $"the header at {offset} (type '{type}', '{name}')");
        }

        CollectionAssert.DoesNotContain(headers.Select(h => h.Type).ToList(), 'L', "no GNU long-name records");
        CollectionAssert.DoesNotContain(headers.Select(h => h.Type).ToList(), 'K', "no GNU long-link records");
        CollectionAssert.Contains(headers.Select(h => h.Type).ToList(), 'x', "PAX records carry what USTAR cannot");
        var expected = ArchiveEntries.Read(archive).Select(e => $"{e.Name} -> {e.LinkName}").Order(StringComparer.Ordinal).ToList();
        Assert.Contains($"{SampleTree.LongFile} -> ", expected);
        if (Tools.Exists("python3"))
        {
            // Python's tarfile reads the PAX records: full UTF-8 names and link targets.
            var script = "import sys, tarfile\nfor m in tarfile.open(sys.argv[1], encoding='utf-8').getmembers(): print(m.name + ('/' if m.isdir() else '') + ' -> ' + m.linkname)";
            var listed = Tools.Run("python3", "-c", script, archive).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
            CollectionAssert.AreEqual(expected, listed, "Python's tarfile");
        }

        if (Tools.Exists("tar"))
        {
            var listed = Tools.Run("tar", "-tzf", archive).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
            CollectionAssert.AreEqual(expected.Select(e => e[..e.IndexOf(" -> ", StringComparison.Ordinal)]).ToList(), listed, "GNU tar");
        }
    }

    [TestMethod]
    public void ASizeOverUstarsFieldTravelsInAPaxRecord()
    {
        // A real file of 8 GiB would take minutes to compress: the header alone shows the rule.
        var header = new ICSharpCode.SharpZipLib.Tar.TarHeader { Name = "big.bin", Size = 9L << 30 };

        var records = Atmos.Cache.Archiving.Writing.PaxExtendedHeader.RecordsFor(header);

        Assert.AreEqual("19 size=9663676416\n", Encoding.UTF8.GetString(records!));
        Assert.AreEqual("big.bin", header.Name);
    }

    [TestMethod]
    public void ARecordsLengthCountsItsOwnDigits()
    {
        // Near a power of ten: the length field itself decides whether the record has 2 or 3 digits.
        var header = new ICSharpCode.SharpZipLib.Tar.TarHeader { Name = new string('a', 95) + "é" };

        var records = Encoding.UTF8.GetString(Atmos.Cache.Archiving.Writing.PaxExtendedHeader.RecordsFor(header)!);

        Assert.AreEqual(Encoding.UTF8.GetByteCount(records), int.Parse(records[..records.IndexOf(' ')]));
        Assert.AreEqual(new string('a', 95) + "_", header.Name, "an ASCII stand-in stays in the USTAR field");
    }

    /// <summary>Every header of the tar stream: offset, type flag, name field, and magic + version shown readably.</summary>
    private static List<(long Offset, char Type, string Name, string Magic)> Headers(string archive)
    {
        using var tar = new MemoryStream();
        using (var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress))
        {
            gzip.CopyTo(tar);
        }

        var bytes = tar.ToArray();
        var headers = new List<(long, char, string, string)>();
        long at = 0;
        while (at + 512 <= bytes.Length && bytes.AsSpan((int)at, 512).ContainsAnyExcept((byte)0))
        {
            var header = bytes.AsSpan((int)at, 512);
            var name = Encoding.UTF8.GetString(header[..100]).TrimEnd('\0');
            var magic = Encoding.ASCII.GetString(header.Slice(257, 8)).Replace("\0", "\\0", StringComparison.Ordinal);
            headers.Add((at, (char)header[156], name, magic[..7] + " " + magic[7..]));
            var size = Convert.ToInt64(Encoding.ASCII.GetString(header.Slice(124, 12)).Trim('\0', ' ') is { Length: > 0 } octal ? octal : "0", 8);
            at += 512 + (size + 511) / 512 * 512;
        }

        return headers;
    }
}
