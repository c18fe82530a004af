using System.Runtime.InteropServices;
using System.Text;
using Atmos.Cache.Archiving.Compression;
using Atmos.Cache.Platform;
using Atmos.Cache.Tests.Archiving;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Platform;

/// <summary>
/// What a macOS runner's file system adds: <c>._</c> AppleDouble files (the Finder's extended
/// attributes, written next to a file on volumes without them) and extended attributes themselves,
/// neither of which is content: neither is ever archived. (Case-insensitive APFS: see
/// <see cref="CaseInsensitiveNamesTests"/>.)
/// </summary>
[TestClass]
public sealed class MacOSFileSystemTests
{
    [TestMethod]
    public async Task AppleDoubleFilesAreNeverArchivedOnMacOS()
    {
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        temp.WriteFile("source/tool", "tool");
        temp.WriteFile("source/._tool", "apple double");
        temp.WriteFile("source/sub/x", "x");
        temp.WriteFile("source/sub/._x", "apple double");

        var archive = await PlatformRestore.WriteAsync(FilePlatform.MacOS, temp, source);

        CollectionAssert.AreEquivalent(new[] { "sub/", "sub/x", "tool" }, ArchiveEntries.Names(archive));
    }

    [TestMethod]
    public async Task OnLinuxADotUnderscoreFileIsAnOrdinaryFile()
    {
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        temp.WriteFile("source/._tool", "ordinary");

        var archive = await PlatformRestore.WriteAsync(FilePlatform.Linux, temp, source);

        CollectionAssert.AreEquivalent(new[] { "._tool" }, ArchiveEntries.Names(archive));
    }

    [TestMethod]
    public async Task ExtendedAttributesAreNeverArchived()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Windows has no extended attributes of this kind.");
            return;
        }

        using var temp = new TempFolder();
        var source = temp.Combine("source");
        var file = temp.WriteFile("source/tool", "tool");
        var attribute = OperatingSystem.IsMacOS() ? "com.example.atmos-cache-test" : "user.atmos-cache-test";
        if (!SetAttribute(file, attribute, "attribute-value-never-archived"))
        {
            Assert.Inconclusive($"This file system does not take the extended attribute '{attribute}' (errno {Marshal.GetLastPInvokeError()}).");
            return;
        }

        foreach (var platform in new[] { FilePlatform.Host, FilePlatform.MacOS })
        {
            var archive = await PlatformRestore.WriteAsync(platform, temp, source);

            var tar = Encoding.Latin1.GetString(DecompressedTar(archive));
            Assert.DoesNotContain("atmos-cache-test", tar, platform.Name);
            Assert.DoesNotContain("attribute-value-never-archived", tar, platform.Name);
            Assert.DoesNotContain("xattr", tar, platform.Name);
            CollectionAssert.AreEquivalent(new[] { "tool" }, ArchiveEntries.Names(archive));
        }
    }

    private static byte[] DecompressedTar(string archive)
    {
        using var file = File.OpenRead(archive);
        using var decompressor = CompressionStreams.CreateDecompressor(file, ArchiveFormat.Detect(file));
        using var tar = new MemoryStream();
        decompressor.CopyTo(tar);
        return tar.ToArray();
    }

    private static bool SetAttribute(string path, string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return (OperatingSystem.IsMacOS()
            ? SetXattrMac(path, name, bytes, (nuint)bytes.Length, 0, 0)
            : SetXattrLinux(path, name, bytes, (nuint)bytes.Length, 0)) == 0;
    }

    // setxattr(2): Linux's and macOS's differ in their last arguments.
    [DllImport("libc", EntryPoint = "setxattr", SetLastError = true)]
    private static extern int SetXattrLinux(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size, int flags);

    [DllImport("libc", EntryPoint = "setxattr", SetLastError = true)]
    private static extern int SetXattrMac(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size, uint position, int options);
}
