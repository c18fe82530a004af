using System.Runtime.Versioning;
using Atmos.Cache.Archiving;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>The tree walk's direct lstat/open/read path agrees with the BCL and never follows a link.</summary>
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

        Assert.IsTrue(UnixFileSystem.IsAvailable);
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

    private static void RequireFastPath()
    {
        if (!UnixFileSystem.IsAvailable)
        {
            Assert.Inconclusive("The native fast path is not used on this platform.");
        }
    }
}
