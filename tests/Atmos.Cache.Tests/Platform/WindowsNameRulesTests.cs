using Atmos.Cache.Errors;
using Atmos.Cache.Platform;
using Atmos.Cache.Tests.Archiving;
using Atmos.Cache.Tests.Support;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Platform;

/// <summary>
/// Names Windows cannot hold (reserved device names with any extension, a trailing dot or space that
/// Windows drops, drive letters, alternate data streams) refuse the restore on Windows, with the root
/// left as it was; on Linux and macOS they are ordinary names.
/// </summary>
[TestClass]
public sealed class WindowsNameRulesTests
{
    [TestMethod]
    [DataRow("CON", "reserved Windows device name 'CON'")]
    [DataRow("tools/nul.txt", "reserved Windows device name 'nul'")]
    [DataRow("logs/COM1.log", "reserved Windows device name 'COM1'")]
    [DataRow("lpt9", "reserved Windows device name 'lpt9'")]
    [DataRow("trailing-dot.", "ends with a dot or a space")]
    [DataRow("trailing-space ", "ends with a dot or a space")]
    [DataRow("folder./x", "ends with a dot or a space")]
    [DataRow("c:drive.txt", "drive letter")]
    [DataRow("file.txt:stream", "alternate data stream")]
    public async Task NamesWindowsCannotHoldRefuseTheRestoreOnWindows(string name, string problem)
    {
        using var temp = new TempFolder();
        var root = PlatformRestore.ExistingRoot(temp);
        var before = TreeListing.Of(root);
        var archive = new RawTar().File("ok.txt", "fine").File(name, "hazard");

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => PlatformRestore.ExtractAsync(FilePlatform.Windows, temp, archive, root));

        StringAssert.Contains(error.Message, problem);
        TreeListing.AssertSame(before, TreeListing.Of(root));
    }

    [TestMethod]
    [DataRow("CON")]
    [DataRow("tools/nul.txt")]
    [DataRow("trailing-dot.")]
    public async Task TheSameNamesAreOrdinaryOnLinux(string name)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Windows cannot hold these names.");
            return;
        }

        using var temp = new TempFolder();
        var root = temp.Combine("root");

        await PlatformRestore.ExtractAsync(FilePlatform.Linux, temp, new RawTar().File(name, "ordinary"), root);

        Assert.AreEqual("ordinary", File.ReadAllText(Path.Combine(root, name)));
    }
}
