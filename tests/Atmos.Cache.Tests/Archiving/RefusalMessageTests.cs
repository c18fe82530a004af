using System.Text;
using Atmos.Cache.Archiving;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>Refusals read as one sentence on one line: the kind of problem, the entry (shortened when long), the path that failed.</summary>
[TestClass]
public sealed class RefusalMessageTests
{
    [TestMethod]
    public async Task BadGzipCrc_SaysTheDataIsCorrupt_InOneSentence()
    {
        using var temp = new TempFolder();
        var gzip = new RawTar().File("a.txt", "content").ToGzip();
        gzip[^8] ^= 0xFF; // the CRC-32 in the gzip trailer
        var archive = temp.Combine("bad-crc.tgz");
        File.WriteAllBytes(archive, gzip);

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(archive, temp.Combine("root"), new ExtractOptions(), CancellationToken.None));

        StringAssert.StartsWith(error.Message, "The cache archive is corrupt: its compressed data does not decompress (");
        Assert.DoesNotContain("..", error.Message);
        AssertOneLine(error.Message);
    }

    [TestMethod]
    public async Task LongEntryName_IsShortenedInTheMessage()
    {
        using var temp = new TempFolder();
        var name = string.Join('/', Enumerable.Repeat(new string('n', 200), 19)) + "/../escape";
        var archive = temp.Combine("long.tgz");
        File.WriteAllBytes(archive, new RawTar().Entry("././@LongLink", 'L', Encoding.UTF8.GetBytes(name + "\0")).File("short", "x").ToGzip());

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(archive, temp.Combine("root"), new ExtractOptions(), CancellationToken.None));

        StringAssert.Contains(error.Message, "'..' component");
        // The start and the end of the name, and how long it was.
        StringAssert.Contains(error.Message, $"'{name[..48]}…{name[^48..]} ({name.Length} characters)'");
        Assert.IsLessThan(300, error.Message.Length, error.Message);
        AssertOneLine(error.Message);
    }

    [TestMethod]
    public async Task FailedFileSystemCall_NamesTheEntryAndThePath()
    {
        using var temp = new TempFolder();
        // Within the archive limits (4,096 bytes, 255 per component), but too long once under the staging folder.
        var name = string.Join('/', Enumerable.Repeat(new string('p', 250), 16)) + "/file";
        var archive = temp.Combine("deep.tgz");
        File.WriteAllBytes(archive, new RawTar().Entry("././@LongLink", 'L', Encoding.UTF8.GetBytes(name + "\0")).File("short", "x").ToGzip());
        var root = temp.Combine("root");

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None));

        StringAssert.Contains(error.Message, "writing the entry '");
        StringAssert.Contains(error.Message, $"failed at '{root[..40]}");
        StringAssert.Contains(error.Message, "too long");
        Assert.IsLessThan(400, error.Message.Length, error.Message);
        AssertOneLine(error.Message);
        Assert.IsFalse(Directory.Exists(root), "the root the extraction created is removed again");
    }

    [TestMethod]
    public async Task PaxMtimeBeyondDateTime_IsClampedNotAnError()
    {
        using var temp = new TempFolder();
        var archive = temp.Combine("far-future.tgz");
        File.WriteAllBytes(archive, new RawTar()
            .Entry("PaxHeaders/x", 'x', Encoding.UTF8.GetBytes("36 mtime=99999999999999999999999999\n"))
            .File("future.txt", "later")
            .ToGzip());
        var root = temp.Combine("root");

        await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None);

        Assert.AreEqual("later", File.ReadAllText(Path.Combine(root, "future.txt")));
        // Clamped to year 9999, then to what the file system keeps (ext4: 2446).
        Assert.IsGreaterThan(2400, File.GetLastWriteTimeUtc(Path.Combine(root, "future.txt")).Year);
    }

    private static void AssertOneLine(string message) =>
        Assert.IsFalse(message.Contains('\n') || message.Contains('\r'), $"one line: {message}");
}
