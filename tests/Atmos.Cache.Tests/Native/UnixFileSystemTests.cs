using System.Runtime.Versioning;
using Atmos.Cache.Native;
using Atmos.Cache.Testing;
using Atmos.Cache.Tests.Archiving;

namespace Atmos.Cache.Tests.Native;

/// <summary>The direct lstat/open/read (archiving) and open/write (extraction) paths agree with the BCL and never follow a link.</summary>
[TestClass]
[UnsupportedOSPlatform("windows")]
public sealed class UnixFileSystemTests
{
    [TestMethod]
    public void TheFastPathPassesItsSelfCheckOnLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("The self-check is asserted on Linux, where CI runs.");
        }

        Assert.IsTrue(UnixFileSystem.PassesSelfCheck);
    }

    [TestMethod]
    public void LStatOfAFileAgreesWithTheBcl()
    {
        RequireFastPath();
        using var temp = new TempFolder();
        var path = temp.Combine("file.bin");
        File.WriteAllBytes(path, new byte[12_345]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.OtherRead);
        File.SetLastWriteTimeUtc(path, new DateTime(2019, 12, 31, 23, 59, 58, DateTimeKind.Utc).AddTicks(98765));
        var info = new FileInfo(path);

        var status = UnixFileSystem.LStat(path);

        Assert.IsNotNull(status);
        Assert.AreEqual(FileKind.File, status.Value.Kind);
        Assert.AreEqual(info.Length, status.Value.Size);
        Assert.AreEqual((int)info.UnixFileMode, status.Value.Mode);
        Assert.AreEqual(info.LastWriteTimeUtc, status.Value.ModifiedUtc);
    }

    [TestMethod]
    public void LStatTellsFoldersLinksAndFifosApartAndDoesNotFollowLinks()
    {
        RequireFastPath();
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("folder"));
        File.WriteAllText(temp.Combine("target.txt"), "content");
        File.CreateSymbolicLink(temp.Combine("link"), "target.txt");
        File.CreateSymbolicLink(temp.Combine("dangling"), "nowhere");

        Assert.AreEqual(FileKind.Folder, UnixFileSystem.LStat(temp.Combine("folder"))?.Kind);
        Assert.AreEqual(FileKind.Symlink, UnixFileSystem.LStat(temp.Combine("link"))?.Kind);
        Assert.AreEqual(FileKind.Symlink, UnixFileSystem.LStat(temp.Combine("dangling"))?.Kind);
        Assert.IsNull(UnixFileSystem.LStat(temp.Combine("missing")));
        if (Tools.Exists("mkfifo"))
        {
            Tools.Run("mkfifo", temp.Combine("pipe"));
            Assert.AreEqual(FileKind.Special, UnixFileSystem.LStat(temp.Combine("pipe"))?.Kind);
        }
    }

    [TestMethod]
    public void ReadStartReadsTheContentAndReportsAShorterFile()
    {
        RequireFastPath();
        using var temp = new TempFolder();
        var content = new byte[5_000];
        new Random(5).NextBytes(content);
        File.WriteAllBytes(temp.Combine("file.bin"), content);

        var whole = new byte[content.Length];
        Assert.AreEqual(content.Length, UnixFileSystem.ReadStart(temp.Combine("file.bin"), whole, content.Length));
        CollectionAssert.AreEqual(content, whole);

        // Asked for more than there is (the file shrank after its lstat): the count says so.
        var larger = new byte[content.Length + 100];
        Assert.AreEqual(content.Length, UnixFileSystem.ReadStart(temp.Combine("file.bin"), larger, larger.Length));
    }

    [TestMethod]
    public void ReadStartRefusesToOpenThroughALinkOrAMissingFile()
    {
        RequireFastPath();
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("target.txt"), "secret");
        File.CreateSymbolicLink(temp.Combine("link"), temp.Combine("target.txt"));
        var buffer = new byte[16];

        Assert.AreEqual(-1, UnixFileSystem.ReadStart(temp.Combine("link"), buffer, 6));
        Assert.AreEqual(-1, UnixFileSystem.ReadStart(temp.Combine("missing"), buffer, 6));
    }

    [TestMethod]
    [DataRow(0x1A4, 2024, 5)]
    [DataRow(0x1ED, 1999, 0)]
    [DataRow(0x1FF, 1970, 1)]
    public void TheWriterCreatesAFileWithContentModeAndTime(int mode, int year, int extraTicks)
    {
        RequireFastPath();
        using var temp = new TempFolder();
        var path = temp.Combine("new.bin");
        var content = new byte[70_000];
        new Random(mode).NextBytes(content);
        var time = new DateTime(year, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(extraTicks * 1_234_567);

        using (var writer = UnixFileWriter.CreateNew(path, mode))
        {
            Assert.IsNotNull(writer);
            writer.Write(content, 0, 1000);
            writer.Write(content.AsSpan(1000));
            writer.SetMode(mode);
            writer.SetTimes(time);
        }

        CollectionAssert.AreEqual(content, File.ReadAllBytes(path));
        Assert.AreEqual(mode, (int)File.GetUnixFileMode(path));
        Assert.AreEqual(time, File.GetLastWriteTimeUtc(path));
    }

    [TestMethod]
    public void TheWriterNeverReplacesAFileOrWritesThroughALink()
    {
        RequireFastPath();
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("existing.txt"), "keep");
        File.WriteAllText(temp.Combine("target.txt"), "keep too");
        File.CreateSymbolicLink(temp.Combine("link"), temp.Combine("target.txt"));

        Assert.IsNull(UnixFileWriter.CreateNew(temp.Combine("existing.txt"), 0x1A4));
        Assert.IsNull(UnixFileWriter.CreateNew(temp.Combine("link"), 0x1A4));
        Assert.IsNull(UnixFileWriter.CreateNew(temp.Combine("missing-folder", "file"), 0x1A4));

        Assert.AreEqual("keep", File.ReadAllText(temp.Combine("existing.txt")));
        Assert.AreEqual("keep too", File.ReadAllText(temp.Combine("target.txt")));
    }

    private static void RequireFastPath()
    {
        if (!UnixFileSystem.PassesSelfCheck)
        {
            Assert.Inconclusive("The native fast path is not used on this platform.");
        }
    }
}
