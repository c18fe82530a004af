using Atmos.Cache.Native;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Tests.Platform;

/// <summary>
/// ATMOS_CI_CACHE_MANAGED_IO forces the managed path Windows takes (no Unix shim, copies instead of
/// hard links) on Linux and macOS, so CI runs the engine suite through it a second time.
/// </summary>
[TestClass]
public sealed class ManagedIoSwitchTests
{
    [TestMethod]
    [DataRow("1", true)]
    [DataRow("true", true)]
    [DataRow(" TRUE ", true)]
    [DataRow("0", false)]
    [DataRow("false", false)]
    [DataRow("", false)]
    [DataRow(null, false)]
    public void TheSwitchIsOnForOneOrTrue(string? value, bool expected) =>
        Assert.AreEqual(expected, FilePlatform.ManagedIoRequested(value));

    [TestMethod]
    public void WithTheSwitchTheHostPlatformTakesTheManagedPath()
    {
        var managed = FilePlatform.ForHost("1");
        Assert.IsFalse(managed.UnixShim);
        Assert.IsFalse(managed.HardLinks);
        var normal = FilePlatform.ForHost(null);
        Assert.AreEqual(!OperatingSystem.IsWindows(), normal.UnixShim);
        Assert.AreEqual(normal with { UnixShim = false, HardLinks = false }, managed, "nothing else changes");
    }

    [TestMethod]
    public void ThisProcessTakesThePathTheSwitchAsksFor()
    {
        var requested = FilePlatform.ManagedIoRequested(Environment.GetEnvironmentVariable(FilePlatform.ManagedIoVariable));

        Assert.AreEqual(!requested && !OperatingSystem.IsWindows(), FilePlatform.Host.UnixShim);
        if (requested || OperatingSystem.IsWindows())
        {
            Assert.IsFalse(UnixFileSystem.IsAvailable, "the walk and the extraction do not use the Unix shim");
        }
        else if (OperatingSystem.IsLinux())
        {
            Assert.IsTrue(UnixFileSystem.IsAvailable, "the walk and the extraction use the Unix shim");
        }
    }

    [TestMethod]
    public void AFifoIsStillNeverOpenedOnTheManagedPath()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/usr/bin/mkfifo") && !File.Exists("/bin/mkfifo"))
        {
            Assert.Inconclusive("needs mkfifo");
            return;
        }

        using var temp = new Atmos.Cache.Testing.TempFolder();
        var fifo = temp.Combine("pipe");
        using (var process = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            process.WaitForExit();
        }

        using (FilePlatform.Use(FilePlatform.Host with { UnixShim = false }))
        {
            Assert.AreEqual(FileKind.Special, NativeFileType.Probe(fifo));
        }
    }
}
